/**
 * Functions: the daily ingest (BLS sync + population fetch) and the analytics fed by the
 * queue. Each has its own role with the policy from accessPolicies.ts, its own log group
 * (retention, JSON format), and its code bundled from handlers/ while the program runs.
 */
import * as aws from "@pulumi/aws"
import * as pulumi from "@pulumi/pulumi"
import { settingSpecs } from "../domain/settings.ts"
import { analyticsPolicy, assumedByLambda, ingestPolicy, type PolicyDocument } from "./accessPolicies.ts"
import { bundledFunction, type BundledFunctionArgs } from "./bundledFunction.ts"
import { bundleHandler } from "./handlerBundle.ts"
import type { FunctionSettings, StackSettings } from "./settings.ts"

export interface DeployedFunction {
  readonly function: aws.lambda.Function
  readonly logGroup: aws.cloudwatch.LogGroup
}

export interface Functions {
  readonly ingest: DeployedFunction
  readonly analytics: DeployedFunction
}

/** Runs never overlap: two syncs of one mirror would race on the same objects. */
export const INGEST_CONCURRENCY = 1

interface FunctionParts {
  readonly name: string
  readonly entry: string
  readonly description: string
  readonly sizing: FunctionSettings
  readonly environment: pulumi.Input<Record<string, pulumi.Input<string>>>
  readonly policy: (logGroupArn: string) => pulumi.Input<PolicyDocument>
  readonly extra?: Partial<BundledFunctionArgs>
}

const declareFunction = (settings: StackSettings, parts: FunctionParts) => {
  const name = `${settings.namePrefix}-${parts.name}`
  // The function logs to a group declared here (retention set, deleted with the stack),
  // not to the one Lambda would create on first run and keep forever.
  const logGroup = new aws.cloudwatch.LogGroup(name, {
    name: `/aws/lambda/${name}`,
    retentionInDays: settings.logRetentionDays
  })
  const role = new aws.iam.Role(name, { assumeRolePolicy: JSON.stringify(assumedByLambda) })
  const rolePolicy = new aws.iam.RolePolicy(name, {
    role: role.id,
    policy: pulumi.jsonStringify(logGroup.arn.apply(parts.policy))
  })
  const fn = bundledFunction(name, bundleHandler(parts.name, parts.entry), {
    description: parts.description,
    role: role.arn,
    timeout: parts.sizing.timeoutSeconds,
    memorySize: parts.sizing.memoryMb,
    architectures: ["arm64"],
    environment: { variables: parts.environment },
    loggingConfig: {
      logFormat: "JSON",
      logGroup: logGroup.name,
      applicationLogLevel: "INFO",
      systemLogLevel: "WARN"
    },
    ...parts.extra
  }, { dependsOn: [rolePolicy, logGroup] })
  return { function: fn, logGroup, rolePolicy }
}

export const functions = (settings: StackSettings, bucket: aws.s3.Bucket, queue: aws.sqs.Queue): Functions => {
  const store = pulumi.interpolate`s3://${bucket.bucket}`

  const ingest = declareFunction(settings, {
    name: "ingest",
    entry: "handlers/ingest.ts",
    description: "Mirrors the BLS pr directory and fetches the DataUSA population into the data bucket",
    sizing: settings.ingest,
    // Named from the domain's settings table, so a renamed variable cannot be missed here.
    environment: {
      [settingSpecs.store.env]: store,
      [settingSpecs.contact.env]: settings.contact,
      [settingSpecs.blsBaseUrl.env]: settings.blsBaseUrl,
      [settingSpecs.populationUrl.env]: settings.populationUrl,
      [settingSpecs.requestsPerSecond.env]: String(settings.requestsPerSecond),
      [settingSpecs.concurrency.env]: String(settings.concurrency),
      [settingSpecs.maxDeleteShare.env]: String(settings.maxDeleteShare)
    },
    policy: (logGroupArn) =>
      bucket.arn.apply((bucketArn) => ingestPolicy({ bucketArn, logGroupArn, kmsKeyArn: settings.kmsKeyArn })),
    extra: { reservedConcurrentExecutions: INGEST_CONCURRENCY }
  })

  const analytics = declareFunction(settings, {
    name: "analytics",
    entry: "handlers/analytics.ts",
    description: "Computes the reports from the mirror and the population, logs and stores them",
    sizing: settings.analytics,
    // The reports read and write the store only: no upstream, so no contact.
    environment: {
      [settingSpecs.store.env]: store,
      // A 4 MB young generation keeps a large report run well under its memory at no cost
      // in speed (`npm run bench` measures the report run with and without it).
      NODE_OPTIONS: "--max-semi-space-size=4"
    },
    policy: (logGroupArn) =>
      pulumi.all([bucket.arn, queue.arn]).apply(([bucketArn, queueArn]) =>
        analyticsPolicy({ bucketArn, logGroupArn, queueArn, kmsKeyArn: settings.kmsKeyArn })
      )
  })

  // Lambda checks the role may read the queue when the mapping is created.
  new aws.lambda.EventSourceMapping(`${settings.namePrefix}-analytics`, {
    eventSourceArn: queue.arn,
    functionName: analytics.function.arn,
    batchSize: settings.analyticsBatchSize,
    functionResponseTypes: ["ReportBatchItemFailures"]
  }, { dependsOn: [analytics.rolePolicy] })

  return { ingest, analytics }
}
