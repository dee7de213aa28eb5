/**
 * What the dev stack declares, read back from Pulumi's mocks: every property the pipeline
 * relies on, with the IAM and resource policies parsed and compared statement by statement.
 * Expected values are written out here (ARNs as the mocks make them), not computed by the
 * code under test.
 */
import { beforeAll, describe, expect, it } from "vitest"
import { settingSpecs } from "../../domain/settings.ts"
import { isProductionStack } from "../../infra/settings.ts"
import { ACCOUNT_ID, type DeclaredResource, type DeclaredStack, declareStack, REGION } from "./mockStack.ts"
import { readProjectFile, readStackFile, TEST_CONTACT } from "./stackConfig.ts"

const BUCKET = "bls-quest-dev-data-0a1b2c3"
const BUCKET_ARN = `arn:aws:s3:::${BUCKET}`
const QUEUE_ARN = `arn:aws:sqs:${REGION}:${ACCOUNT_ID}:bls-quest-dev-analytics-0a1b2c3`
const DLQ_ARN = `arn:aws:sqs:${REGION}:${ACCOUNT_ID}:bls-quest-dev-analytics-dlq-0a1b2c3`
const FAILED_INGESTS_ARN = `arn:aws:sqs:${REGION}:${ACCOUNT_ID}:bls-quest-dev-ingest-failures-0a1b2c3`
const logGroupArn = (fn: string) => `arn:aws:logs:${REGION}:${ACCOUNT_ID}:log-group:/aws/lambda/bls-quest-dev-${fn}`
const KMS_KEY = `arn:aws:kms:${REGION}:${ACCOUNT_ID}:key/1234abcd-12ab-34cd-56ef-1234567890ab`

const T = {
  bucket: "aws:s3/bucket:Bucket",
  encryption: "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
  versioning: "aws:s3/bucketVersioning:BucketVersioning",
  publicAccess: "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
  ownership: "aws:s3/bucketOwnershipControls:BucketOwnershipControls",
  bucketPolicy: "aws:s3/bucketPolicy:BucketPolicy",
  lifecycle: "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration",
  notification: "aws:s3/bucketNotification:BucketNotification",
  queue: "aws:sqs/queue:Queue",
  queuePolicy: "aws:sqs/queuePolicy:QueuePolicy",
  redriveAllow: "aws:sqs/redriveAllowPolicy:RedriveAllowPolicy",
  function: "aws:lambda/function:Function",
  role: "aws:iam/role:Role",
  rolePolicy: "aws:iam/rolePolicy:RolePolicy",
  attachment: "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
  logGroup: "aws:cloudwatch/logGroup:LogGroup",
  mapping: "aws:lambda/eventSourceMapping:EventSourceMapping",
  invokeConfig: "aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig",
  rule: "aws:cloudwatch/eventRule:EventRule",
  target: "aws:cloudwatch/eventTarget:EventTarget",
  permission: "aws:lambda/permission:Permission",
  topic: "aws:sns/topic:Topic",
  subscription: "aws:sns/topicSubscription:TopicSubscription",
  alarm: "aws:cloudwatch/metricAlarm:MetricAlarm",
  metricFilter: "aws:cloudwatch/logMetricFilter:LogMetricFilter",
  dashboard: "aws:cloudwatch/dashboard:Dashboard"
} as const

const json = (resource: DeclaredResource, field: string) => JSON.parse(resource.inputs[field] as string)

/** A statement with its Action/Resource lists sorted, for comparing as sets. */
const normalized = (statement: Record<string, unknown>) => {
  const list = (value: unknown) => (Array.isArray(value) ? [...value] : [value]).sort()
  return { ...statement, Action: list(statement["Action"]), Resource: list(statement["Resource"]) }
}

/** Wildcards only where a prefix or the function's own log streams end. */
const allowedWildcard = /^(arn:aws:s3:::[^*]+\/[^*]+\/\*|arn:aws:logs:[^*]+:log-group:\/aws\/lambda\/[^*:]+:\*)$/

describe("the dev stack", () => {
  let stack: DeclaredStack
  beforeAll(async () => {
    stack = await declareStack("dev")
  }, 120_000)

  describe("settings", () => {
    const project = readProjectFile()

    it("runs index.ts as an ES module with Node's type stripping, not ts-node", () => {
      expect(project.runtime.name).toBe("nodejs")
      expect(project.runtime.options?.["typescript"]).toBe(false)
      expect(String(project.runtime.options?.["nodeargs"])).toContain("--experimental-strip-types")
      expect(project.main).toBe("index.ts")
    })

    it("declares every setting with a type and a description", () => {
      for (const [key, entry] of Object.entries(project.config)) {
        expect(["string", "integer", "boolean", "array"], key).toContain(entry.type)
        expect(entry.description?.length ?? 0, key).toBeGreaterThan(20)
      }
    })

    it("defaults the ingest's settings to the command's defaults", () => {
      const defaults = Object.fromEntries(Object.entries(project.config).map(([key, entry]) => [key, entry.default]))
      expect(defaults["surveys"]).toBe(settingSpecs.surveys.default)
      expect(defaults["blsRootUrl"]).toBe(settingSpecs.blsRootUrl.default)
      expect(defaults["blsBaseUrl"]).toBe("")
      expect(defaults["populationUrl"]).toBe(settingSpecs.populationUrl.default)
      expect(Number(defaults["requestsPerSecond"])).toBe(Number(settingSpecs.requestsPerSecond.default))
      expect(defaults["concurrency"]).toBe(Number(settingSpecs.concurrency.default))
      expect(defaults["maxDeleteShare"]).toBe(settingSpecs.maxDeleteShare.default)
      expect(defaults["schedule"]).toBe("cron(0 6 * * ? *)")
      expect(defaults["maxReceiveCount"]).toBe(3)
    })
  })

  describe("storage", () => {
    it("is one bucket, encrypted with SSE-S3, versioned, never public, owned by the account", () => {
      expect(stack.ofType(T.bucket)).toHaveLength(1)
      expect(stack.one(T.encryption).inputs["rules"]).toEqual([
        { applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" }, bucketKeyEnabled: false }
      ])
      expect(stack.one(T.versioning).inputs["versioningConfiguration"]).toEqual({ status: "Enabled" })
      expect(stack.one(T.publicAccess).inputs).toEqual({
        bucket: `${BUCKET}`,
        blockPublicAcls: true,
        blockPublicPolicy: true,
        ignorePublicAcls: true,
        restrictPublicBuckets: true
      })
      expect(stack.one(T.ownership).inputs["rule"]).toEqual({ objectOwnership: "BucketOwnerEnforced" })
      for (const type of [T.encryption, T.versioning, T.ownership, T.bucketPolicy, T.lifecycle]) {
        expect(stack.one(type).inputs["bucket"], type).toBe(BUCKET)
      }
    })

    it("is emptied and deleted with a stack whose name is not production's", () => {
      expect(stack.one(T.bucket).inputs["forceDestroy"]).toBe(true)
      expect(stack.resources.filter((resource) => resource.retainOnDelete)).toEqual([])
    })

    it("denies every request made without TLS, once the public-access block is in place", () => {
      const policy = stack.one(T.bucketPolicy)
      expect(json(policy, "policy")).toEqual({
        Version: "2012-10-17",
        Statement: [{
          Sid: "DenyInsecureTransport",
          Effect: "Deny",
          Principal: "*",
          Action: "s3:*",
          Resource: [BUCKET_ARN, `${BUCKET_ARN}/*`],
          Condition: { Bool: { "aws:SecureTransport": "false" } }
        }]
      })
      expect(policy.dependsOn).toContain(`${T.publicAccess}::bls-quest-dev-data`)
    })

    it("expires non-current versions after the configured days, and unfinished uploads after a day", () => {
      const rules = stack.one(T.lifecycle).inputs["rules"] as Array<Record<string, any>>
      const byId = Object.fromEntries(rules.map((rule) => [rule["id"], rule]))
      // The whole bucket's unfinished multipart uploads (a killed run's) go here: no function sweeps them.
      expect(rules.map((rule) => rule["id"])).toEqual(["expire-noncurrent-versions", "expire-athena-results"])
      expect(byId["expire-noncurrent-versions"]).toMatchObject({
        status: "Enabled",
        filter: {},
        noncurrentVersionExpiration: { noncurrentDays: 7 },
        abortIncompleteMultipartUpload: { daysAfterInitiation: 1 }
      })
    })
  })

  describe("messaging", () => {
    it("keeps messages 14 days, encrypted, in a queue and its dead-letter queue", () => {
      const queue = stack.one(T.queue, "analytics")
      const dlq = stack.one(T.queue, "analytics-dlq")
      for (const q of [queue, dlq]) {
        expect(q.inputs["messageRetentionSeconds"]).toBe(1_209_600)
        expect(q.inputs["sqsManagedSseEnabled"]).toBe(true)
      }
      expect(json(queue, "redrivePolicy")).toEqual({ deadLetterTargetArn: DLQ_ARN, maxReceiveCount: 3 })
      expect(json(stack.one(T.redriveAllow), "redriveAllowPolicy")).toEqual({
        redrivePermission: "byQueue",
        sourceQueueArns: [QUEUE_ARN]
      })
    })

    it("hides a received message for six times the analytics timeout", () => {
      const analytics = stack.one(T.function, "analytics")
      expect(stack.one(T.queue, "analytics").inputs["visibilityTimeoutSeconds"])
        .toBe(6 * (analytics.inputs["timeout"] as number))
    })

    it("lets only S3, for this bucket and account, send to the queue", () => {
      const policy = stack.one(T.queuePolicy, "analytics")
      expect(policy.inputs["queueUrl"]).toBe(`https://sqs.${REGION}.amazonaws.com/${ACCOUNT_ID}/bls-quest-dev-analytics-0a1b2c3`)
      expect(json(policy, "policy")).toEqual({
        Version: "2012-10-17",
        Statement: [{
          Sid: "AllowPopulationBucketNotifications",
          Effect: "Allow",
          Principal: { Service: "s3.amazonaws.com" },
          Action: "sqs:SendMessage",
          Resource: QUEUE_ARN,
          Condition: { ArnEquals: { "aws:SourceArn": BUCKET_ARN }, StringEquals: { "aws:SourceAccount": ACCOUNT_ID } }
        }]
      })
    })

    it("notifies the queue of JSON created under population/, after the queue policy exists", () => {
      const notification = stack.one(T.notification)
      expect(notification.inputs["bucket"]).toBe(BUCKET)
      expect(notification.inputs["queues"]).toEqual([{
        id: "population-to-analytics",
        queueArn: QUEUE_ARN,
        events: ["s3:ObjectCreated:*"],
        filterPrefix: "population/",
        filterSuffix: ".json"
      }])
      expect(notification.dependsOn).toEqual([`${T.queuePolicy}::bls-quest-dev-analytics`])
    })
  })

  describe("functions", () => {
    it("runs both on nodejs24.x from the serialized entry, named as their log groups, logging JSON there", () => {
      for (const name of ["ingest", "analytics"]) {
        const fn = stack.one(T.function, name)
        expect(fn.inputs).toMatchObject({
          runtime: "nodejs24.x",
          handler: "__index.handler",
          name: `bls-quest-dev-${name}`,
          loggingConfig: { logFormat: "JSON", logGroup: `/aws/lambda/bls-quest-dev-${name}` }
        })
        expect(stack.one(T.logGroup, name).inputs).toEqual({ name: `/aws/lambda/bls-quest-dev-${name}`, retentionInDays: 14 })
        expect(fn.inputs["role"]).toBe(`arn:aws:iam::${ACCOUNT_ID}:role/bls-quest-dev-${name}-0a1b2c3`)
        expect(fn.dependsOn).toContain(`${T.rolePolicy}::bls-quest-dev-${name}`)
      }
    })

    it("gives the ingest 15 minutes, no reserved concurrency (new accounts refuse it), and the ingest's settings", () => {
      const ingest = stack.one(T.function, "ingest")
      expect(ingest.inputs).toMatchObject({ timeout: 900, memorySize: 512 })
      expect(ingest.inputs["reservedConcurrentExecutions"]).toBeUndefined()
      expect(ingest.inputs["environment"]).toEqual({
        variables: {
          QUEST_STORE: `s3://${BUCKET}`,
          QUEST_CONTACT: TEST_CONTACT,
          QUEST_SURVEYS: "pr",
          BLS_ROOT_URL: "https://download.bls.gov/pub/time.series/",
          POPULATION_URL: settingSpecs.populationUrl.default,
          QUEST_REQUESTS_PER_SECOND: "2",
          QUEST_CONCURRENCY: "4",
          QUEST_MAX_DELETE_SHARE: "0.5"
        }
      })
    })

    it("gives the analytics the store only, and feeds it the queue with partial batch failures", () => {
      const analytics = stack.one(T.function, "analytics")
      expect(analytics.inputs).toMatchObject({ timeout: 120, memorySize: 1024 })
      expect(analytics.inputs["reservedConcurrentExecutions"]).toBeUndefined()
      expect(analytics.inputs["environment"]).toEqual({
        variables: { QUEST_STORE: `s3://${BUCKET}`, NODE_OPTIONS: "--max-semi-space-size=4" }
      })
      const mapping = stack.one(T.mapping, "analytics")
      expect(mapping.inputs).toMatchObject({
        eventSourceArn: QUEUE_ARN,
        functionName: `arn:aws:lambda:${REGION}:${ACCOUNT_ID}:function:bls-quest-dev-analytics`,
        batchSize: 10,
        functionResponseTypes: ["ReportBatchItemFailures"]
      })
      expect(mapping.dependsOn).toContain(`${T.rolePolicy}::bls-quest-dev-analytics`)
    })
  })

  describe("the ingest's asynchronous invocations", () => {
    it("are retried at most once (none by default), expire after an hour, and land in the failed-runs queue", () => {
      const config = stack.one(T.invokeConfig)
      expect(config.inputs).toEqual({
        functionName: "bls-quest-dev-ingest",
        maximumRetryAttempts: 0,
        maximumEventAgeInSeconds: 3600,
        destinationConfig: { onFailure: { destination: FAILED_INGESTS_ARN } }
      })
      // Lambda sends to the destination as the function: its policy must be in place first.
      expect(config.dependsOn).toContain(`${T.rolePolicy}::bls-quest-dev-ingest`)
      const failures = stack.one(T.queue, "ingest-failures")
      expect(failures.inputs).toMatchObject({ messageRetentionSeconds: 1_209_600, sqsManagedSseEnabled: true })
    })

    it("raise an alarm for any run in the failed-runs queue", () => {
      expect(stack.one(T.alarm, "ingest-failed-runs").inputs).toMatchObject({
        namespace: "AWS/SQS",
        metricName: "ApproximateNumberOfMessagesVisible",
        dimensions: { QueueName: "bls-quest-dev-ingest-failures-0a1b2c3" },
        statistic: "Maximum",
        threshold: 1,
        comparisonOperator: "GreaterThanOrEqualToThreshold"
      })
    })
  })

  describe("roles", () => {
    it("are assumable by Lambda only, with no managed policies attached", () => {
      expect(stack.ofType(T.role)).toHaveLength(2)
      for (const role of stack.ofType(T.role)) {
        expect(json(role, "assumeRolePolicy")).toEqual({
          Version: "2012-10-17",
          Statement: [{ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" }]
        })
      }
      expect(stack.ofType(T.attachment)).toEqual([])
    })

    const statementsOf = (name: string) => {
      const policy = stack.one(T.rolePolicy, name)
      expect(policy.inputs["role"]).toBe(stack.one(T.role, name).state["name"])
      const document = json(policy, "policy")
      expect(document.Version).toBe("2012-10-17")
      return (document.Statement as Array<Record<string, unknown>>).map(normalized)
    }

    it("let the ingest list its bucket and manage its own prefixes, and nothing else", () => {
      expect(statementsOf("ingest")).toEqual([
        {
          Sid: "ListDataBucket",
          Effect: "Allow",
          Action: ["s3:ListBucket"],
          Resource: [BUCKET_ARN]
        },
        {
          Sid: "ManageOwnPrefixes",
          Effect: "Allow",
          // Abort: a failed multipart upload is aborted (the bucket's lifecycle rule clears a killed run's).
          Action: ["s3:AbortMultipartUpload", "s3:DeleteObject", "s3:GetObject", "s3:PutObject"],
          Resource: [`${BUCKET_ARN}/_state/bls/pr/mirror.json`, `${BUCKET_ARN}/bls/pr/*`, `${BUCKET_ARN}/population/*`]
        },
        {
          Sid: "ConsumeSurveyRuns",
          Effect: "Allow",
          Action: ["sqs:DeleteMessage", "sqs:GetQueueAttributes", "sqs:ReceiveMessage"],
          Resource: [stack.one(T.queue, "surveys").state["arn"]]
        },
        { Sid: "RecordFailedRuns", Effect: "Allow", Action: ["sqs:SendMessage"], Resource: [FAILED_INGESTS_ARN] },
        {
          Sid: "WriteOwnLogs",
          Effect: "Allow",
          Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
          Resource: [`${logGroupArn("ingest")}:*`]
        }
      ].map(normalized))
    })

    it("let the analytics read its two inputs, write reports and consume its queue, and nothing else", () => {
      expect(statementsOf("analytics")).toEqual([
        { Sid: "ListDataBucket", Effect: "Allow", Action: ["s3:ListBucket"], Resource: [BUCKET_ARN] },
        {
          Sid: "ReadReportInputs",
          Effect: "Allow",
          Action: ["s3:GetObject"],
          Resource: [`${BUCKET_ARN}/bls/pr/pr.data.0.Current`, `${BUCKET_ARN}/population/population.json`]
        },
        {
          Sid: "WriteReports",
          Effect: "Allow",
          Action: ["s3:AbortMultipartUpload", "s3:GetObject", "s3:PutObject"],
          Resource: [`${BUCKET_ARN}/reports/*`]
        },
        {
          Sid: "ConsumeOwnQueue",
          Effect: "Allow",
          Action: ["sqs:DeleteMessage", "sqs:GetQueueAttributes", "sqs:ReceiveMessage"],
          Resource: [QUEUE_ARN]
        },
        {
          Sid: "WriteOwnLogs",
          Effect: "Allow",
          Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
          Resource: [`${logGroupArn("analytics")}:*`]
        }
      ].map(normalized))
    })

    it("use no wildcard but a prefix's or their own log streams'", () => {
      for (const name of ["ingest", "analytics"]) {
        for (const statement of statementsOf(name)) {
          for (const action of statement.Action) expect(action).not.toContain("*")
          for (const resource of statement.Resource) {
            if (String(resource).includes("*")) expect(resource).toMatch(allowedWildcard)
          }
        }
      }
    })
  })

  describe("schedule", () => {
    it("puts pr's run on the survey queue daily at 06:00 UTC, with the population, from EventBridge only", () => {
      const rule = stack.one(T.rule)
      expect(rule.inputs["scheduleExpression"]).toBe("cron(0 6 * * ? *)")
      const queue = stack.one(T.queue, "surveys")
      expect(stack.one(T.target).inputs).toMatchObject({ rule: rule.state["name"], arn: queue.state["arn"] })
      expect(JSON.parse(stack.one(T.target).inputs["input"])).toEqual({ survey: "pr", population: true })
      expect(json(stack.one(T.queuePolicy, "surveys"), "policy").Statement).toEqual([expect.objectContaining({
        Principal: { Service: "events.amazonaws.com" },
        Action: "sqs:SendMessage",
        Resource: queue.state["arn"],
        Condition: { ArnEquals: { "aws:SourceArn": [rule.state["arn"]] } }
      })])
      // The ingest reads the queue one message per run; a failed run's message comes back
      // once (ingestRetryAttempts 0: none), then goes to the failed-runs queue.
      expect(stack.one(T.mapping, "ingest").inputs).toMatchObject({
        eventSourceArn: queue.state["arn"],
        batchSize: 1,
        scalingConfig: { maximumConcurrency: 2 },
        functionResponseTypes: ["ReportBatchItemFailures"]
      })
      expect(json(queue, "redrivePolicy")).toEqual({ deadLetterTargetArn: FAILED_INGESTS_ARN, maxReceiveCount: 1 })
      expect(queue.inputs["visibilityTimeoutSeconds"]).toBe(6 * 900)
      expect(stack.ofType(T.permission)).toEqual([])
    })
  })

  describe("monitoring", () => {
    const alarm = (suffix: string) => stack.one(T.alarm, suffix).inputs
    const topicArn = () => stack.one(T.topic).state["arn"]

    it("sends every alarm to the topic, with no e-mail subscription unless configured", () => {
      // Seven for the pipeline, one per survey (pr).
      expect(stack.ofType(T.alarm)).toHaveLength(7 + 1)
      for (const { inputs } of stack.ofType(T.alarm)) {
        expect(inputs["alarmActions"]).toEqual([topicArn()])
        expect(inputs["okActions"]).toEqual([topicArn()])
      }
      expect(stack.ofType(T.subscription)).toEqual([])
    })

    it("alarms on a survey run Lambda throttled (a reservation or the account's quota ran out)", () => {
      expect(alarm("ingest-throttled")).toMatchObject({
        namespace: "AWS/Lambda",
        metricName: "Throttles",
        dimensions: { FunctionName: "bls-quest-dev-ingest" },
        statistic: "Sum",
        threshold: 1,
        comparisonOperator: "GreaterThanOrEqualToThreshold",
        treatMissingData: "notBreaching"
      })
    })

    it("alarms on any message in the dead-letter queue and on any error of either function", () => {
      expect(alarm("dead-letters")).toMatchObject({
        namespace: "AWS/SQS",
        metricName: "ApproximateNumberOfMessagesVisible",
        dimensions: { QueueName: "bls-quest-dev-analytics-dlq-0a1b2c3" },
        threshold: 1,
        comparisonOperator: "GreaterThanOrEqualToThreshold"
      })
      for (const name of ["ingest", "analytics"]) {
        expect(alarm(`${name}-errors`)).toMatchObject({
          namespace: "AWS/Lambda",
          metricName: "Errors",
          dimensions: { FunctionName: `bls-quest-dev-${name}` },
          statistic: "Sum",
          threshold: 1,
          comparisonOperator: "GreaterThanOrEqualToThreshold"
        })
      }
    })

    it("alarms when 26 hours pass without the ingest's success line", () => {
      const filter = stack.one(T.metricFilter, "ingest-succeeded").inputs
      expect(filter["logGroupName"]).toBe("/aws/lambda/bls-quest-dev-ingest")
      expect(filter["metricTransformation"]).toMatchObject({ value: "1" })
      const silent = alarm("ingest-silent")
      expect(silent).toMatchObject({
        namespace: filter["metricTransformation"].namespace,
        metricName: filter["metricTransformation"].name,
        statistic: "Sum",
        comparisonOperator: "LessThanThreshold",
        threshold: 1,
        // A new stack waits for its first run with insufficient data; 26 empty hours after a
        // success return it there, and that transition notifies as an alarm does.
        treatMissingData: "missing",
        insufficientDataActions: silent["alarmActions"]
      })
      expect(silent["period"] * silent["evaluationPeriods"]).toBe(26 * 3600)
      expect(silent["datapointsToAlarm"]).toBe(silent["evaluationPeriods"])
    })

    it("alarms on the first failed report, counted from the analytics' failure record", () => {
      const filter = stack.one(T.metricFilter, "report-failed").inputs
      expect(filter).toMatchObject({
        logGroupName: "/aws/lambda/bls-quest-dev-analytics",
        pattern: `{ $.message.event = "analytics.record-failed" }`,
        metricTransformation: { namespace: "BlsQuest/bls-quest-dev", name: "ReportFailed", value: "1" }
      })
      expect(alarm("report-failed")).toMatchObject({
        namespace: "BlsQuest/bls-quest-dev",
        metricName: "ReportFailed",
        statistic: "Sum",
        period: 300,
        evaluationPeriods: 1,
        threshold: 1,
        comparisonOperator: "GreaterThanOrEqualToThreshold",
        treatMissingData: "notBreaching"
      })
    })

    it("draws a dashboard of both functions, both queues, the ingest metric and the alarms", () => {
      const body = JSON.stringify(json(stack.one(T.dashboard), "dashboardBody"))
      for (const name of [
        `"bls-quest-dev-ingest"`,
        `"bls-quest-dev-analytics"`,
        "bls-quest-dev-analytics-0a1b2c3",
        "bls-quest-dev-analytics-dlq-0a1b2c3",
        "bls-quest-dev-ingest-failures-0a1b2c3",
        "IngestSucceeded",
        "ReportFailed",
        ...stack.ofType(T.alarm).map((a) => a.state["arn"] as string)
      ]) expect(body).toContain(name)
    })
  })

  it("outputs the bucket, the queues, the functions and the dashboard", () => {
    expect(stack.outputs).toMatchObject({
      bucketName: BUCKET,
      queueUrl: `https://sqs.${REGION}.amazonaws.com/${ACCOUNT_ID}/bls-quest-dev-analytics-0a1b2c3`,
      deadLetterQueueUrl: `https://sqs.${REGION}.amazonaws.com/${ACCOUNT_ID}/bls-quest-dev-analytics-dlq-0a1b2c3`,
      ingestFunctionName: "bls-quest-dev-ingest",
      analyticsFunctionName: "bls-quest-dev-analytics",
      ingestLogGroupName: "/aws/lambda/bls-quest-dev-ingest",
      analyticsLogGroupName: "/aws/lambda/bls-quest-dev-analytics",
      failedIngestsQueueUrl: `https://sqs.${REGION}.amazonaws.com/${ACCOUNT_ID}/bls-quest-dev-ingest-failures-0a1b2c3`,
      dashboardUrl: `https://${REGION}.console.aws.amazon.com/cloudwatch/home?region=${REGION}#dashboards:name=bls-quest-dev-pipeline`
    })
  })
})

describe("a stack that mirrors several surveys", () => {
  const SURVEYS = ["pr", "cu", "la", "oe", "sm", "ce"]
  let stack: DeclaredStack
  beforeAll(async () => {
    stack = await declareStack("dev", { surveys: SURVEYS.join(","), ingestMaxConcurrency: "3" })
  }, 120_000)

  it("fans out one run per survey, each its own message, on the one schedule; the population rides with pr only", () => {
    // EventBridge allows five targets a rule: six surveys take two rules.
    const rules = stack.ofType(T.rule)
    expect(rules.map((rule) => rule.inputs["scheduleExpression"])).toEqual(["cron(0 6 * * ? *)", "cron(0 6 * * ? *)"])
    const queueArn = stack.one(T.queue, "surveys").state["arn"]
    const targets = stack.ofType(T.target)
    expect(targets.every((target) => target.inputs["arn"] === queueArn)).toBe(true)
    expect(targets.map((target) => JSON.parse(target.inputs["input"]))).toEqual(
      SURVEYS.map((survey) => ({ survey, population: survey === "pr" }))
    )
    expect(new Set(targets.map((target) => target.inputs["rule"])).size).toBe(2)
    expect(json(stack.one(T.queuePolicy, "surveys"), "policy").Statement[0].Condition.ArnEquals["aws:SourceArn"])
      .toEqual(rules.map((rule) => rule.state["arn"]))
  })

  it("runs at most ingestMaxConcurrency at once, each with its share of the request rate and concurrency", () => {
    expect(stack.one(T.mapping, "ingest").inputs["scalingConfig"]).toEqual({ maximumConcurrency: 3 })
    const variables = stack.one(T.function, "ingest").inputs["environment"].variables
    // 2 requests a second and 4 transfers for the stack, shared by 3 runs in flight.
    expect(Number(variables.QUEST_REQUESTS_PER_SECOND) * 3).toBeCloseTo(2)
    expect(Number(variables.QUEST_CONCURRENCY) * 3).toBeLessThanOrEqual(4)
    expect(variables.QUEST_SURVEYS).toBe(SURVEYS.join(","))
  })

  it("lets the ingest write each survey's mirror and state, and no other BLS prefix", () => {
    const statements = json(stack.one(T.rolePolicy, "ingest"), "policy").Statement as Array<{ Sid: string; Resource: Array<string> }>
    const own = statements.find((statement) => statement.Sid === "ManageOwnPrefixes")!.Resource
    expect(own.filter((arn) => arn.startsWith(`${BUCKET_ARN}/bls/`)).sort()).toEqual(SURVEYS.map((survey) => `${BUCKET_ARN}/bls/${survey}/*`).sort())
    expect(own.filter((arn) => arn.includes("/_state/")).sort())
      .toEqual(SURVEYS.map((survey) => `${BUCKET_ARN}/_state/bls/${survey}/mirror.json`).sort())
  })

  it("raises an alarm per survey that names it, from the failure line that names it", () => {
    for (const survey of SURVEYS) {
      expect(stack.one(T.alarm, `ingest-failed-${survey}`).inputs).toMatchObject({
        alarmDescription: expect.stringMatching(new RegExp(`^BLS survey ${survey} failed`)),
        dimensions: { Survey: survey },
        threshold: 1
      })
    }
    const filter = stack.one("aws:cloudwatch/logMetricFilter:LogMetricFilter", "survey-failed").inputs
    expect(filter["metricTransformation"]).toMatchObject({ dimensions: { Survey: "$.message.survey" } })
  })
})

describe("a stack configured otherwise", () => {
  let stack: DeclaredStack
  beforeAll(async () => {
    stack = await declareStack("dev", {
      kmsKeyArn: KMS_KEY,
      alarmEmail: "ops@example.com",
      maxReceiveCount: "5",
      schedule: "rate(12 hours)",
      analyticsTimeoutSeconds: "60",
      ingestReservedConcurrency: "2",
      ingestRetryAttempts: "1",
      dataOnDestroy: "keep"
    })
  }, 120_000)

  it("reserves the asked concurrency for the ingest and lets Lambda retry a failed run once", () => {
    expect(stack.one(T.function, "ingest").inputs["reservedConcurrentExecutions"]).toBe(2)
    expect(stack.one(T.invokeConfig).inputs["maximumRetryAttempts"]).toBe(1)
  })

  it("keeps the bucket, its data and every setting that protects it when the stack is destroyed", () => {
    expect(stack.one(T.bucket).inputs["forceDestroy"]).toBe(false)
    const kept = stack.resources.filter((resource) => resource.retainOnDelete).map((resource) => resource.type)
    expect(kept.sort()).toEqual(
      [T.bucket, T.encryption, T.versioning, T.publicAccess, T.ownership, T.bucketPolicy, T.lifecycle].sort()
    )
  })

  it("encrypts the bucket with the KMS key, and lets both functions use that key only", () => {
    expect(stack.one(T.encryption).inputs["rules"]).toEqual([
      { applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: KMS_KEY }, bucketKeyEnabled: true }
    ])
    for (const name of ["ingest", "analytics"]) {
      const statements = json(stack.one(T.rolePolicy, name), "policy").Statement as Array<Record<string, unknown>>
      expect(statements.filter((s) => JSON.stringify(s).includes("kms:"))).toEqual([
        { Sid: "UseBucketKey", Effect: "Allow", Action: ["kms:Decrypt", "kms:GenerateDataKey"], Resource: [KMS_KEY] }
      ])
    }
  })

  it("follows the configured receive count, schedule, timeout and e-mail", () => {
    expect(json(stack.one(T.queue, "analytics"), "redrivePolicy")).toMatchObject({ maxReceiveCount: 5 })
    expect(stack.one(T.rule).inputs["scheduleExpression"]).toBe("rate(12 hours)")
    expect(stack.one(T.function, "analytics").inputs["timeout"]).toBe(60)
    expect(stack.one(T.queue, "analytics").inputs["visibilityTimeoutSeconds"]).toBe(360)
    expect(stack.one(T.subscription).inputs).toMatchObject({
      topic: stack.one(T.topic).state["arn"],
      protocol: "email",
      endpoint: "ops@example.com"
    })
  })
})

describe("the contact BLS sees", () => {
  it("is not committed in Pulumi.dev.yaml", () => {
    expect(Object.keys(readStackFile("dev")).filter((key) => key.endsWith(":contact"))).toEqual([])
  })

  const hint = "Set it with `pulumi config set bls-quest:contact <your e-mail or URL>`."
  it.each([
    [undefined, "no contact is set"],
    [" ", "no contact is set"],
    ["the data team", `"the data team" is neither an e-mail address nor an http(s) URL`],
    ["you@example.com", `"you@example.com" is on example.com, a domain reserved for examples`],
    ["https://www.example.org/team", `"https://www.example.org/team" is on example.org, a domain reserved for examples`]
  ])("refuses %j, saying what to run", async (contact, problem) => {
    const refusal = declareStack("dev", { contact })
    await expect(refusal).rejects.toThrow(`Config bls-quest:contact: ${problem}`)
    await expect(refusal).rejects.toThrow(hint)
  })
})

describe("what destroy does with the data, by default", () => {
  it.each([["Prod", true], ["Team.Prod_1", true], ["production-eu", true], ["prd", true], ["live", true], ["dev", false], ["preprod", false], ["products", false]])(
    "a stack named %j keeps it: %s",
    (stackName, kept) => expect(isProductionStack(stackName)).toBe(kept)
  )

  it("keeps it for a production stack unless told", async () => {
    const stack = await declareStack("Team.Prod_1", { "aws:region": "us-east-1" })
    expect(stack.one(T.bucket).retainOnDelete).toBe(true)
    expect(stack.one(T.bucket).inputs["forceDestroy"]).toBe(false)
    const told = await declareStack("Team.Prod_1", { "aws:region": "us-east-1", dataOnDestroy: "delete" })
    expect(told.one(T.bucket).retainOnDelete).toBe(false)
    expect(told.one(T.bucket).inputs["forceDestroy"]).toBe(true)
  }, 120_000)
})

describe("settings the stack refuses", () => {
  it.each([
    [{ dataOnDestroy: "archive" }, /dataOnDestroy: "archive" is not valid: it must be one of auto, keep, delete\. Set it with/],
    [{ ingestRetryAttempts: "2" }, /ingestRetryAttempts: "2" is not valid: it must be a whole number from 0 to 1\./],
    [{ logRetentionDays: "10" }, /logRetentionDays: "10" is not valid: it must be one of 1, 3, 5, 7, 14, 30,/],
    [{ requestsPerSecond: "fast" }, /requestsPerSecond: "fast" is not valid: it must be a number above 0\./],
    [{ ingestTimeoutSeconds: "1200" }, /ingestTimeoutSeconds: "1200" is not valid: it must be a whole number from 1 to 900\./],
    [{ kmsKeyArn: "alias/mine" }, /kmsKeyArn: "alias\/mine" is not valid: it must be a KMS key's ARN .*; pass the key's ARN/],
    [
      { kmsKeyArn: `arn:aws:kms:${REGION}:${ACCOUNT_ID}:alias/quest` },
      /kmsKeyArn: .* is not valid: .*; an alias ARN, which IAM does not match to the key, so every read and write would be denied; pass the key's ARN, `aws kms describe-key/
    ],
    [{ kmsKeyArn: KMS_KEY.replace(REGION, "eu-west-1") }, /kmsKeyArn: the key is in eu-west-1, but the bucket is in us-east-1/],
    // The CLI's rule (domain/settingSpecs.ts), named by the stack's keys.
    [
      { surveys: "pr,cu", blsBaseUrl: "https://mirror.example/pr/" },
      'blsBaseUrl: "https://mirror.example/pr/" is not valid: it must be unset when surveys names several surveys ' +
      '(set blsRootUrl to the directory that holds them). Set it with `pulumi config set bls-quest:blsBaseUrl ""`.'
    ],
    [{ surveys: "pr,CU" }, /surveys: "pr,CU" is not valid: it must be survey codes separated by commas.*; "CU" is not a survey code\./],
    [{ alarmEmail: "the ops team" }, /alarmEmail: "the ops team" is not valid: it must be an e-mail address, or empty for none\./],
    [{ roleBoundaryArn: "QuestBoundary" }, /roleBoundaryArn: "QuestBoundary" is not valid: it must be an IAM policy's ARN \(arn:aws:iam::<account>:policy\/<name>\)/],
    // One survey, so the queue starts at most 2 runs (SQS's least): a reservation of 1 throttles the second.
    [{ ingestReservedConcurrency: "1" }, /ingestReservedConcurrency: 1 is below the 2 survey runs .*; set 0 \(no reservation\) or at least 2\. Set it with `pulumi config set bls-quest:ingestReservedConcurrency 2`/],
    [{ surveys: "pr,cu,ce", ingestMaxConcurrency: "3", ingestReservedConcurrency: "2" }, /ingestReservedConcurrency: 2 is below the 3 survey runs/]
  ])("%o", async (overrides, message) => {
    await expect(declareStack("dev", overrides)).rejects.toThrow(message)
  })
})
