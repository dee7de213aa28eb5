/**
 * Functions: the daily ingest (BLS sync + population fetch) and the analytics fed by the
 * queue. Each has its own role with the policy from accessPolicies.ts, its own log group
 * (retention, JSON format), and its code bundled from handlers/ while the program runs.
 *
 * The schedule reaches the ingest through the survey queue (surveyFanOut.ts): a failed
 * survey's message is retried `ingestRetryAttempts` times by the queue, then moves to the
 * failed-runs queue. The asynchronous invoke configuration governs direct invocations
 * only: left alone, Lambda would retry a failed one twice and drop an event that waited six
 * hours without a trace; here at most `ingestRetryAttempts` retries, events at most an
 * hour old, and one that still fails or expires goes to the same failed-runs queue.
 */
import * as aws from "@pulumi/aws"
import * as pulumi from "@pulumi/pulumi"
import { settingSpecs } from "../domain/settings.ts"
import { analyticsPolicy, assumedByLambda, ingestPolicy, type PolicyDocument } from "./accessPolicies.ts"
import { bundledFunction, type BundledFunctionArgs } from "./bundledFunction.ts"
import { bundleHandler } from "./handlerBundle.ts"
import { RETENTION_SECONDS } from "./messaging.ts"
import { type FunctionSettings, type StackSettings, surveyQueueConcurrency, VISIBILITY_TIMEOUT_FACTOR } from "./settings.ts"
import { perRunPoliteness, scheduleSurveys } from "./surveyFanOut.ts"

export interface DeployedFunction {
  readonly function: aws.lambda.Function
  readonly logGroup: aws.cloudwatch.LogGroup
}

/** A scheduled run that could not start within an hour is stale: the next day's run will do. */
export const INGEST_MAX_EVENT_AGE_SECONDS = 3600

interface FunctionParts {
  readonly name: string
  readonly entry: string
  readonly description: string
  readonly sizing: FunctionSettings
  readonly environment: pulumi.Input<Record<string, pulumi.Input<string>>>
  readonly policy: (logGroupArn: string) => pulumi.Input<PolicyDocument>
  readonly extra?: Partial<BundledFunctionArgs>
}

type Parent = { readonly parent: pulumi.Resource }

const declareFunction = (prefix: string, settings: StackSettings, parts: FunctionParts, opts: Parent) => {
  // Named, not auto-named: the function's name is the one its log group is named after.
  const name = `${prefix}-${parts.name}`
  // The function logs to a group declared here (retention set, deleted with the stack),
  // not to the one Lambda would create on first run and keep forever.
  const logGroup = new aws.cloudwatch.LogGroup(name, {
    name: `/aws/lambda/${name}`,
    retentionInDays: settings.logRetentionDays
  }, opts)
  const role = new aws.iam.Role(name, {
    assumeRolePolicy: JSON.stringify(assumedByLambda),
    // The ceiling the GitHub deploy role demands on every role it creates (github-oidc/).
    permissionsBoundary: settings.roleBoundaryArn
  }, opts)
  const rolePolicy = new aws.iam.RolePolicy(name, {
    role: role.id,
    policy: pulumi.jsonStringify(logGroup.arn.apply(parts.policy))
  }, opts)
  const fn = bundledFunction(name, bundleHandler(parts.name, parts.entry), {
    name,
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
  }, { ...opts, dependsOn: [rolePolicy, logGroup] })
  return { function: fn, logGroup, rolePolicy }
}

export class Functions extends pulumi.ComponentResource {
  readonly ingest: DeployedFunction
  readonly analytics: DeployedFunction
  /** Where a survey run that failed its retries goes (the survey queue's dead letters), and a failed manual invocation. */
  readonly failedIngests: aws.sqs.Queue
  /** One message per survey and day: what the ingest consumes. */
  readonly surveyQueue: aws.sqs.Queue
  /** The first EventBridge rule that fills the survey queue (one per five surveys). */
  readonly rule: aws.cloudwatch.EventRule

  constructor(
    prefix: string,
    settings: StackSettings,
    { bucket, queue }: { bucket: aws.s3.Bucket; queue: aws.sqs.Queue },
    opts?: pulumi.ComponentResourceOptions
  ) {
    super("bls-quest:pipeline:Functions", `${prefix}-functions`, {}, opts)
    const declared = declareFunctions(prefix, settings, bucket, queue, { parent: this })
    this.ingest = declared.ingest
    this.analytics = declared.analytics
    this.failedIngests = declared.failedIngests
    this.surveyQueue = declared.surveyQueue
    this.rule = scheduleSurveys(prefix, settings, this.surveyQueue, { parent: this }).rules[0]!
    this.registerOutputs({
      ingestFunctionName: this.ingest.function.name,
      analyticsFunctionName: this.analytics.function.name,
      failedIngestsQueueUrl: this.failedIngests.url,
      scheduleRuleName: this.rule.name
    })
  }
}

const declareFunctions = (prefix: string, settings: StackSettings, bucket: aws.s3.Bucket, queue: aws.sqs.Queue, opts: Parent) => {
  const store = pulumi.interpolate`s3://${bucket.bucket}`

  const failedIngests = new aws.sqs.Queue(`${prefix}-ingest-failures`, {
    messageRetentionSeconds: RETENTION_SECONDS,
    sqsManagedSseEnabled: true
  }, opts)
  const surveyQueue = new aws.sqs.Queue(`${prefix}-surveys`, {
    // A day's message is stale the next day, when the schedule sends a new one.
    messageRetentionSeconds: 24 * 60 * 60,
    sqsManagedSseEnabled: true,
    visibilityTimeoutSeconds: settings.ingest.timeoutSeconds * VISIBILITY_TIMEOUT_FACTOR,
    redrivePolicy: pulumi.jsonStringify({
      deadLetterTargetArn: failedIngests.arn,
      maxReceiveCount: settings.ingest.retryAttempts + 1
    })
  }, opts)
  const politeness = perRunPoliteness(settings)

  const ingest = declareFunction(prefix, settings, {
    name: "ingest",
    entry: "handlers/ingest.ts",
    description: "Mirrors one BLS survey per queue message (and, for pr, fetches the DataUSA population) into the data bucket",
    sizing: settings.ingest,
    // Named from the domain's settings table, so a renamed variable cannot be missed here.
    environment: {
      [settingSpecs.store.env]: store,
      [settingSpecs.contact.env]: settings.contact,
      [settingSpecs.surveys.env]: settings.surveys.join(","),
      [settingSpecs.blsRootUrl.env]: settings.blsRootUrl,
      ...(settings.blsBaseUrl === undefined ? {} : { [settingSpecs.blsBaseUrl.env]: settings.blsBaseUrl }),
      [settingSpecs.populationUrl.env]: settings.populationUrl,
      // Each run's share: all runs in flight together keep to the stack's settings.
      [settingSpecs.requestsPerSecond.env]: String(politeness.requestsPerSecond),
      [settingSpecs.concurrency.env]: String(politeness.concurrency),
      [settingSpecs.maxDeleteShare.env]: String(settings.maxDeleteShare)
    },
    policy: (logGroupArn) =>
      pulumi.all([bucket.arn, failedIngests.arn, surveyQueue.arn]).apply(([bucketArn, failedIngestsArn, surveyQueueArn]) =>
        ingestPolicy({ bucketArn, logGroupArn, failedIngestsArn, surveyQueueArn, surveys: settings.surveys, kmsKeyArn: settings.kmsKeyArn })
      ),
    extra: settings.ingest.reservedConcurrency === undefined
      ? {}
      : { reservedConcurrentExecutions: settings.ingest.reservedConcurrency }
  }, opts)

  // Lambda sends to the destination with the function's role: declared after its policy.
  new aws.lambda.FunctionEventInvokeConfig(`${prefix}-ingest`, {
    functionName: ingest.function.name,
    maximumRetryAttempts: settings.ingest.retryAttempts,
    maximumEventAgeInSeconds: INGEST_MAX_EVENT_AGE_SECONDS,
    destinationConfig: { onFailure: { destination: failedIngests.arn } }
  }, { ...opts, dependsOn: [ingest.rolePolicy] })

  // One message per invocation, so each survey runs within its own time limit.
  new aws.lambda.EventSourceMapping(`${prefix}-ingest`, {
    eventSourceArn: surveyQueue.arn,
    functionName: ingest.function.arn,
    batchSize: 1,
    scalingConfig: { maximumConcurrency: surveyQueueConcurrency(settings) },
    functionResponseTypes: ["ReportBatchItemFailures"]
  }, { ...opts, dependsOn: [ingest.rolePolicy] })

  const analytics = declareFunction(prefix, settings, {
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
  }, opts)

  // Lambda checks the role may read the queue when the mapping is created.
  new aws.lambda.EventSourceMapping(`${prefix}-analytics`, {
    eventSourceArn: queue.arn,
    functionName: analytics.function.arn,
    batchSize: settings.analyticsBatchSize,
    functionResponseTypes: ["ReportBatchItemFailures"]
  }, { ...opts, dependsOn: [analytics.rolePolicy] })

  return { ingest, analytics, failedIngests, surveyQueue }
}
