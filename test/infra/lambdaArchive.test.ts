/**
 * The proof that `pulumi up` would ship working code: each function's code archive, taken
 * from the mocked stack exactly as Pulumi would upload it, runs in a fresh Node process
 * the way Lambda runs it (lambdaArchive.ts) — against moto for S3 and SQS and a local
 * server that serves the fixtures as BLS and DataUSA do.
 *
 * moto is set up as the stack declares it (bucket versioning, queues and redrive, the
 * queue policy, the bucket notification), and moto itself delivers the S3 notification
 * to the queue; the test plays the event source mapping: it receives the batch, hands it
 * to the analytics function, and deletes what the function did not report as failed.
 *
 * Each function runs under its own role as AWS would judge it: every S3 request goes
 * through s3Authorizer.ts, which refuses what the role's policy, the bucket policy (and
 * the KMS key) would refuse; the SQS calls made on the function's behalf (the event source
 * mapping's polling, the failed-runs destination, S3's and EventBridge's deliveries) are
 * judged against the role and queue policies. A run AWS would refuse anything fails,
 * naming the action and the resource.
 */
import {
  CreateBucketCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  PutBucketNotificationConfigurationCommand,
  PutBucketVersioningCommand,
  S3Client
} from "@aws-sdk/client-s3"
import {
  ChangeMessageVisibilityCommand,
  CreateQueueCommand,
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  type Message,
  ReceiveMessageCommand,
  SendMessageCommand,
  SQSClient
} from "@aws-sdk/client-sqs"
import { createHash } from "node:crypto"
import { readFileSync } from "node:fs"
import * as path from "node:path"
import * as pulumi from "@pulumi/pulumi"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { type FixtureServer, startFixtureServer } from "../support/fixtureServer.ts"
import { bestYearOfGolden, goldenReports, joinRowOfGolden } from "../support/goldenKeys.ts"
import { describeWithMoto, MOTO_REGION } from "../support/moto.ts"
import { blsFixtureFiles, populationFixture } from "../support/upstream/fixtureData.ts"
import { coldLoadMs, filesIn, type Invocation, invoke, type LambdaSandbox, unpackArchive, zipFolder } from "./lambdaArchive.ts"
import { alarmFires, alarmState, type DeclaredAlarm } from "./alarmState.ts"
import { metricFilterMatches } from "./metricFilter.ts"
import { ACCOUNT_ID, type DeclaredResource, type DeclaredStack, declareStack } from "./mockStack.ts"
import { type Caller, type S3Authorizer, startS3Authorizer } from "./s3Authorizer.ts"
import { type AwsRequest, judge, type Policies } from "../support/policyEngine.ts"

/**
 * Budgets of issue 4. The 150 ms load goal is measured and judged by `npm run bench`
 * (lambda archives, ✓/✗): the ingest sits near it (135–145 ms) and a timed test at that
 * line failed on noise. Here the load is held to twice it, a guard that catches a bundle
 * gone wrong (a dependency pulled in whole) without timing the machine.
 */
const MAX_ZIPPED_BYTES = 1024 * 1024
const MAX_LOAD_MS = 300
const LOAD_RUNS = 5
/** On a busy machine (parallel test files), sample on until a quiet moment shows the module's cost. */
const MAX_LOAD_RUNS = 30

const FUNCTION = "aws:lambda/function:Function"
const QUEUE = "aws:sqs/queue:Queue"
const QUEUE_POLICY = "aws:sqs/queuePolicy:QueuePolicy"
/** A key ARN as `kmsKeyArn` takes it (moto need not know the key: the authorizer judges S3's KMS calls). */
const KMS_KEY_ARN = `arn:aws:kms:${MOTO_REGION}:${ACCOUNT_ID}:key/1234abcd-12ab-34cd-56ef-1234567890ab`
/** The level Lambda files a line at, by the console method the record's level is written with. */
const LAMBDA_LEVEL: Record<string, string> = { TRACE: "DEBUG", DEBUG: "DEBUG", INFO: "INFO", WARN: "WARN", ERROR: "ERROR", FATAL: "ERROR" }
const FUNCTIONS = ["ingest", "analytics"] as const
type FunctionName = typeof FUNCTIONS[number]

const expected = goldenReports()

const sha256 = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex")
const text = (body: unknown) => (body as { transformToString(): Promise<string> }).transformToString()

describeWithMoto("the function archives Pulumi would upload", (moto) => {
  let upstream: FixtureServer
  let gate: S3Authorizer
  let stack: DeclaredStack
  /** The same stack mirroring pr and cu, cu alone, and with SSE-KMS: the roles those settings declare. */
  let twoSurveys: DeclaredStack
  let cuOnly: DeclaredStack
  let withKms: DeclaredStack
  let s3: S3Client
  let sqs: SQSClient
  let queueUrl: string
  let deadLetterQueueUrl: string
  let failedIngestsUrl: string
  const sandboxes = new Map<FunctionName, LambdaSandbox>()
  const fn = (name: FunctionName) => stack.one(FUNCTION, name)

  beforeAll(async () => {
    upstream = await startFixtureServer()
    gate = await startS3Authorizer({ target: moto().endpoint, account: ACCOUNT_ID, region: MOTO_REGION })
    s3 = moto().s3Client()
    sqs = moto().sqsClient()
    // The dev stack, pointed at the fixture server; a faster request rate keeps the test short.
    stack = await declareStack("dev", {
      blsBaseUrl: upstream.blsBaseUrl,
      populationUrl: upstream.populationUrl,
      requestsPerSecond: "50"
    })
    const fromRoot = { blsRootUrl: upstream.blsRootUrl, blsBaseUrl: "", populationUrl: upstream.populationUrl, requestsPerSecond: "50" }
    twoSurveys = await declareStack("dev", { ...fromRoot, surveys: "pr,cu" })
    cuOnly = await declareStack("dev", { ...fromRoot, surveys: "cu" })
    withKms = await declareStack("dev", { ...fromRoot, kmsKeyArn: KMS_KEY_ARN })
    for (const name of FUNCTIONS) sandboxes.set(name, await unpackArchive(fn(name).inputs["code"]))
    ;({ queueUrl, deadLetterQueueUrl, failedIngestsUrl } = await declareOnMoto(stack, s3, sqs))
  }, 120_000)

  afterAll(async () => {
    for (const sandbox of sandboxes.values()) sandbox.remove()
    await gate?.close()
    await upstream?.close()
  })

  /** The function as `declared` declares it: its role, the bucket policy, the bucket's key. */
  const callerIn = (declared: DeclaredStack, name: FunctionName): Caller => {
    const encryption = declared.one("aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration")
      .inputs["rules"][0].applyServerSideEncryptionByDefault
    return {
      principal: declared.one("aws:iam/role:Role", name).state["arn"],
      identity: { [name]: JSON.parse(declared.one("aws:iam/rolePolicy:RolePolicy", name).inputs["policy"]) },
      bucketPolicy: JSON.parse(declared.one("aws:s3/bucketPolicy:BucketPolicy").inputs["policy"]),
      kmsKeyArn: encryption.sseAlgorithm === "aws:kms" ? encryption.kmsMasterKeyId : undefined
    }
  }

  /** What AWS would answer this request on the stack's resources: the failure names who, what and why. */
  const expectAllowed = async (request: Omit<AwsRequest, "account">, policies: Policies) => {
    const verdict = await judge({ ...request, account: ACCOUNT_ID }, policies)
    expect(verdict.allowed, `${request.principal} ${request.action} on ${request.resource}: ${verdict.because}`).toBe(true)
  }
  const queuePolicyOf = (declared: DeclaredStack, suffix: string) => JSON.parse(declared.one(QUEUE_POLICY, suffix).inputs["policy"])

  /** What the event source mapping does with the function's role: poll the queue, delete what was handled. */
  const expectPollerAllowed = async (declared: DeclaredStack, name: FunctionName, queue: string, queuePolicy: unknown) => {
    const caller = callerIn(declared, name)
    for (const action of ["sqs:ReceiveMessage", "sqs:GetQueueAttributes", "sqs:DeleteMessage"]) {
      await expectAllowed(
        { principal: caller.principal, action, resource: declared.one(QUEUE, queue).state["arn"] },
        { identity: caller.identity, resource: queuePolicy }
      )
    }
  }

  /**
   * Invokes a function with its declared settings, its AWS endpoint being moto behind the
   * authorizer, under its role in `declared` (the dev stack unless told). Unless `denied`,
   * a request AWS would refuse fails the test, naming it.
   */
  const run = async (
    name: FunctionName,
    event: unknown,
    environment: Record<string, string> = {},
    { declared = stack, denied = false }: { declared?: DeclaredStack; denied?: boolean } = {}
  ): Promise<Invocation> => {
    const function_ = declared.one(FUNCTION, name)
    gate.clear()
    gate.actAs(callerIn(declared, name))
    const invocation = await invoke(sandboxes.get(name)!, {
      handler: function_.inputs["handler"],
      event,
      environment: {
        ...function_.inputs["environment"].variables,
        ...moto().env,
        AWS_ENDPOINT_URL: gate.endpoint,
        AWS_LAMBDA_FUNCTION_NAME: function_.state["name"],
        AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(function_.inputs["memorySize"]),
        AWS_LAMBDA_FUNCTION_TIMEOUT: String(function_.inputs["timeout"]),
        AWS_LAMBDA_LOG_GROUP_NAME: function_.inputs["loggingConfig"].logGroup,
        ...environment
      }
    })
    if (!denied) expect(gate.denials(), `requests AWS would refuse the ${name} function`).toEqual([])
    // Every line is one flat record, filed by Lambda at the record's own level.
    for (const line of invocation.logs) {
      expect(Object.keys(line.message).slice(0, 4), JSON.stringify(line)).toEqual(["time", "level", "event", "message"])
      expect(line.level, JSON.stringify(line)).toBe(LAMBDA_LEVEL[line.message.level])
    }
    return invocation
  }

  const alarm = (suffix: string) => stack.one("aws:cloudwatch/metricAlarm:MetricAlarm", suffix).inputs as DeclaredAlarm
  /** What a metric filter of the stack counts in the lines: the metric's sum for their period. */
  const counted = (filter: string, invocation: Invocation) => {
    const pattern = stack.one("aws:cloudwatch/logMetricFilter:LogMetricFilter", filter).inputs["pattern"]
    return invocation.logs.filter((line) => metricFilterMatches(pattern, line)).length
  }
  /** What SQS reports as ApproximateNumberOfMessagesVisible for the queue, as moto sees it. */
  const visible = async (url: string) => {
    const { Attributes } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ["ApproximateNumberOfMessages"] }))
    return Number(Attributes?.["ApproximateNumberOfMessages"])
  }

  const events = (invocation: Invocation, event: string) => invocation.logs.filter((line) => line.message?.event === event)

  it("hold the serialized entry and the handler's bundle, no node_modules, within 1 MB zipped", () => {
    for (const name of FUNCTIONS) {
      const files = filesIn(sandboxes.get(name)!.taskRoot)
      const bundle = new RegExp(`^\\.pulumi-build/${name}-[0-9a-f]{12}/`)
      expect(files).toContain("__index.js")
      expect(files.filter((file) => bundle.test(file)).map((file) => file.replace(bundle, ""))).toContain("handler.cjs")
      expect(files.filter((file) => file !== "__index.js" && !bundle.test(file))).toEqual([])
      expect(zipFolder(sandboxes.get(name)!.taskRoot).byteLength).toBeLessThanOrEqual(MAX_ZIPPED_BYTES)
    }
  })

  it("ship no local-folder store code: a function's data lives in S3", () => {
    for (const name of FUNCTIONS) {
      const root = sandboxes.get(name)!.taskRoot
      const code = filesIn(root).filter((file) => file.endsWith(".cjs") || file.endsWith(".js"))
        .map((file) => readFileSync(path.join(root, file), "utf8")).join("\n")
      // The local store's reserved name prefix: present in its code, nowhere else.
      expect(code).not.toContain(".quest-")
      expect(code).toContain("PutObject")
    }
  })

  it(`load in a fresh Node within ${MAX_LOAD_MS} ms`, async () => {
    for (const name of FUNCTIONS) {
      const load = await coldLoadMs(sandboxes.get(name)!, fn(name).inputs["handler"], {
        runs: LOAD_RUNS,
        maxRuns: MAX_LOAD_RUNS,
        enough: (least) => least <= MAX_LOAD_MS
      })
      // When parallel work kept the machine busy through every run, the load's CPU time
      // stands for its cost: other processes hardly inflate it, and on a quiet machine
      // the wall time is below it (V8's helper threads add CPU time, not wall time).
      const within = load.least <= MAX_LOAD_MS || load.leastCpu <= MAX_LOAD_MS
      expect(within, `${name}: least of ${load.runs} loads ${load.least.toFixed(1)} ms, CPU ${load.leastCpu.toFixed(1)} ms`)
        .toBe(true)
    }
  }, 120_000)

  it("call S3 at its https endpoint in Lambda: the stack sets no endpoint override", () => {
    // Why the authorizer tells the engine aws:SecureTransport is true (see s3Authorizer.ts).
    for (const name of FUNCTIONS) {
      expect(Object.keys(fn(name).inputs["environment"].variables).filter((key) => key.startsWith("AWS_ENDPOINT_URL"))).toEqual([])
    }
  })

  it("ingest: mirrors BLS and stores the population, logging the line the success metric counts", async () => {
    const scheduled = {
      version: "0",
      id: "53dc4d37-cffa-4f76-80c9-8b7d4a4d2eaa",
      "detail-type": "Scheduled Event",
      source: "aws.events",
      account: ACCOUNT_ID,
      time: "2026-06-05T06:00:00Z",
      region: MOTO_REGION,
      resources: [stack.one("aws:cloudwatch/eventRule:EventRule").state["arn"]],
      detail: {}
    }
    const invocation = await run("ingest", scheduled)
    expect(invocation.error).toBeUndefined()

    const bucket = stack.outputs["bucketName"] as string
    for (const file of blsFixtureFiles()) {
      const stored = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: `bls/pr/${file.name}` }))
      expect(sha256(await stored.Body!.transformToByteArray()), file.name).toBe(sha256(file.bytes))
    }
    const population = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: "population/population.json" }))
    expect(await population.Body!.transformToByteArray()).toEqual(populationFixture())
    expect(gate.judged()).toContain(`s3:PutObject arn:aws:s3:::${bucket}/population/population.json`)

    // Every line structured, the domain's own included: queryable field by field.
    expect(invocation.logs.filter((line) => typeof line.message !== "object")).toEqual([])
    const succeeded = events(invocation, "ingest.succeeded")
    expect(succeeded).toHaveLength(1)
    expect(succeeded[0]!.message.summary.sync.total).toMatchObject({ added: blsFixtureFiles().length, deleted: 0, failed: [] })
    const pattern = stack.one("aws:cloudwatch/logMetricFilter:LogMetricFilter", "ingest-succeeded").inputs["pattern"]
    expect(invocation.logs.filter((line) => metricFilterMatches(pattern, line))).toEqual(succeeded)

    // The success metric, one per hour: a new stack's silence alarm waits, silent, for its
    // first run; this run makes it OK for 26 hours, and a day and two hours without one
    // turn it to insufficient data, which notifies the topic. No error: the errors alarm stays quiet.
    const silent = alarm("ingest-silent")
    const hours = (count: number) => Array<undefined>(count).fill(undefined)
    expect(alarmState(silent, hours(26))).toBe("INSUFFICIENT_DATA")
    expect(alarmState(silent, [...hours(25), counted("ingest-succeeded", invocation)])).toBe("OK")
    expect(alarmState(silent, [counted("ingest-succeeded", invocation), ...hours(26)])).toBe("INSUFFICIENT_DATA")
    expect(silent.insufficientDataActions).toEqual(silent.alarmActions)
    expect(alarmFires(alarm("ingest-errors"), [undefined])).toBe(false)
  }, 120_000)

  it("ingest from the survey queue: one run per message; a failing survey alone is returned, its failure line named for its alarm", async () => {
    // The stack that mirrors pr and cu, from the fixture server's root; cu's listing has broken.
    upstream.upstream.cu.setListing({ html: "<html><body><p>Back soon.</p></body></html>" })
    const messages = [
      { messageId: "run-pr", body: JSON.stringify({ survey: "pr", population: true }) },
      { messageId: "run-cu", body: JSON.stringify({ survey: "cu", population: false }) }
    ]
    // EventBridge may put the messages on the survey queue, and the mapping poll it for the ingest.
    const surveyQueue = twoSurveys.one(QUEUE, "surveys").state["arn"]
    for (const rule of twoSurveys.ofType("aws:cloudwatch/eventRule:EventRule")) {
      await expectAllowed(
        { principal: "events.amazonaws.com", action: "sqs:SendMessage", resource: surveyQueue, context: { "aws:SourceArn": rule.state["arn"], "aws:SourceAccount": ACCOUNT_ID } },
        { resource: queuePolicyOf(twoSurveys, "surveys") }
      )
    }
    await expectPollerAllowed(twoSurveys, "ingest", "surveys", queuePolicyOf(twoSurveys, "surveys"))
    const invocation = await run("ingest", { Records: messages }, {}, { declared: twoSurveys })
    upstream.upstream.cu.reset()
    expect(invocation.error).toBeUndefined()
    expect(invocation.result).toEqual({ batchItemFailures: [{ itemIdentifier: "run-cu" }] })
    expect(events(invocation, "ingest.succeeded").map((line) => line.message.survey)).toEqual(["pr"])
    const failed = events(invocation, "ingest.failed")
    expect(failed.map((line) => line.message.survey)).toEqual(["cu"])
    const pattern = stack.one("aws:cloudwatch/logMetricFilter:LogMetricFilter", "survey-failed").inputs["pattern"]
    expect(invocation.logs.filter((line) => metricFilterMatches(pattern, line))).toEqual(failed)
  }, 120_000)

  it("ingest of a stack that leaves out pr: mirrors its survey and fetches the population without reading bls/pr/", async () => {
    const invocation = await run("ingest", { Records: [{ messageId: "run-cu", body: JSON.stringify({ survey: "cu", population: true }) }] }, {}, {
      declared: cuOnly
    })
    expect(invocation.result).toEqual({ batchItemFailures: [] })
    expect(events(invocation, "ingest.succeeded").map((line) => line.message.summary.population.reason)).toEqual(["unchanged"])
    expect(gate.judged().filter((request) => request.includes("/bls/pr/"))).toEqual([])
  }, 120_000)

  it("analytics: gets the notification moto queued and stores the golden reports", async () => {
    const batch = await receiveBatch(sqs, queueUrl, (messages) => messages.some((m) => m.Body?.includes("population%2Fpopulation.json")))
    expect(batch.map((message) => JSON.parse(message.Body!).Event ?? JSON.parse(message.Body!).Records[0].eventName))
      .toEqual(expect.arrayContaining(["s3:TestEvent", expect.stringMatching(/^ObjectCreated:/)]))

    // S3 may deliver to the queue (for this bucket, in this account), the mapping poll it for the analytics.
    const bucketArn = stack.one("aws:s3/bucket:Bucket").state["arn"]
    await expectAllowed(
      { principal: "s3.amazonaws.com", action: "sqs:SendMessage", resource: stack.one(QUEUE, "analytics").state["arn"], context: { "aws:SourceArn": bucketArn, "aws:SourceAccount": ACCOUNT_ID } },
      { resource: queuePolicyOf(stack, "analytics") }
    )
    await expectPollerAllowed(stack, "analytics", "analytics", queuePolicyOf(stack, "analytics"))
    const invocation = await run("analytics", sqsEvent(batch, stack))
    expect(invocation.error).toBeUndefined()
    expect(invocation.result).toEqual({ batchItemFailures: [] })
    for (const message of batch) {
      await sqs.send(new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: message.ReceiptHandle }))
    }
    // Its first run reads the missing reports/latest/: a 404 only because it may list the bucket.
    expect(gate.judged()).toContain(`s3:ListBucket ${bucketArn}`)

    const bucket = stack.outputs["bucketName"] as string
    const stored = JSON.parse(await text((await s3.send(
      new GetObjectCommand({ Bucket: bucket, Key: "reports/latest/report.json" })
    )).Body))
    expectGoldenReports(stored)
    const dated = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: "reports/" }))
    expect(dated.Contents?.map((object) => object.Key)).toContain(
      `reports/${new Date().toISOString().slice(0, 10)}/report.json`
    )

    const logged = events(invocation, "analytics.reports")
    expect(logged).toHaveLength(1)
    expect(counted("report-failed", invocation)).toBe(0)
    expect(alarmFires(alarm("report-failed"), [undefined])).toBe(false)
    expect(logged[0]!.message.reports).toEqual(stored)
    expect(events(invocation, "analytics.record-skipped").map((line) => line.message.reason))
      .toEqual([expect.stringContaining("s3:TestEvent")])
  }, 120_000)

  it("analytics: a duplicate delivery rewrites the same reports; an unreadable record alone fails", async () => {
    const bucket = stack.outputs["bucketName"] as string
    const before = await text((await s3.send(new GetObjectCommand({ Bucket: bucket, Key: "reports/latest/report.json" }))).Body)
    const duplicate = populationNotification(bucket, "dup-1")
    const invocation = await run("analytics", {
      Records: [duplicate, { ...duplicate, messageId: "garbled-2", body: "{not json" }]
    })
    expect(invocation.result).toEqual({ batchItemFailures: [{ itemIdentifier: "garbled-2" }] })
    expect(counted("report-failed", invocation)).toBe(1)
    const after = await text((await s3.send(new GetObjectCommand({ Bucket: bucket, Key: "reports/latest/report.json" }))).Body)
    expect(after).toBe(before)
  }, 60_000)

  it("analytics with kmsKeyArn set: S3's calls to the key on the role's behalf are allowed", async () => {
    const bucket = stack.outputs["bucketName"] as string
    const invocation = await run("analytics", { Records: [populationNotification(bucket, "kms-1")] }, {}, { declared: withKms })
    expect(invocation.result).toEqual({ batchItemFailures: [] })
    expect(gate.judged()).toEqual(expect.arrayContaining([`kms:Decrypt ${KMS_KEY_ARN}`, `kms:GenerateDataKey ${KMS_KEY_ARN}`]))
  }, 60_000)

  it("analytics: reports every population record of the batch as failed when the reports fail", async () => {
    // Pointed at a bucket its role does not cover: S3 refuses every read, as it would in AWS.
    const other = "bls-quest-other-store"
    await s3.send(new CreateBucketCommand({ Bucket: other }))
    const invocation = await run(
      "analytics",
      { Records: [populationNotification(other, "p-1"), populationNotification(other, "p-2")] },
      { QUEST_STORE: `s3://${other}` },
      { denied: true }
    )
    expect(gate.denials().length).toBeGreaterThan(0)
    expect(gate.denials().filter((denial) => !denial.includes(`arn:aws:s3:::${other}/`))).toEqual([])
    expect(invocation.result).toEqual({ batchItemFailures: [{ itemIdentifier: "p-1" }, { itemIdentifier: "p-2" }] })
    expect(events(invocation, "analytics.record-failed")[0]!.message.error).toMatch(/access to s3:\/\/bls-quest-other-store\/\S+ was denied/)
    // The function did not fail, so Lambda's Errors metric stays at 0: the failure line alone
    // tells, and the report-failed alarm fires in the five minutes it was written in.
    expect(invocation.error).toBeUndefined()
    expect(alarmFires(alarm("analytics-errors"), [0])).toBe(false)
    expect(alarmFires(alarm("report-failed"), [counted("report-failed", invocation)])).toBe(true)
  }, 60_000)

  it("analytics: a message that keeps failing moves to the dead-letter queue, and its alarm fires", async () => {
    const sent = await sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: "{not an S3 notification" }))
    const maxReceiveCount = JSON.parse(stack.one("aws:sqs/queue:Queue", "analytics").inputs["redrivePolicy"]).maxReceiveCount
    for (let delivery = 1; delivery <= maxReceiveCount; delivery++) {
      const batch = await receiveBatch(sqs, queueUrl, (messages) => messages.some((m) => m.MessageId === sent.MessageId))
      const message = batch.find((m) => m.MessageId === sent.MessageId)!
      const invocation = await run("analytics", sqsEvent([message], stack))
      expect(invocation.result).toEqual({ batchItemFailures: [{ itemIdentifier: sent.MessageId }] })
      // As the event source mapping does with a failed record: back on the queue (at once, here).
      await sqs.send(new ChangeMessageVisibilityCommand({ QueueUrl: queueUrl, ReceiptHandle: message.ReceiptHandle, VisibilityTimeout: 0 }))
    }
    // The next receive finds it delivered maxReceiveCount times: SQS moves it to the dead-letter queue.
    expect(await receiveBatch(sqs, queueUrl, () => false, 2_000)).toEqual([])
    expect(alarmFires(alarm("dead-letters"), [await visible(deadLetterQueueUrl)])).toBe(true)
  }, 60_000)

  it("ingest: a failed run throws, so Lambda counts an error, and logs no success line", async () => {
    const invocation = await run("ingest", {}, { BLS_BASE_URL: `${upstream.url}/pub/time.series/nowhere/` })
    expect(invocation.error?.errorMessage).toMatch(/BLS sync/)
    expect(events(invocation, "ingest.succeeded")).toEqual([])
    expect(events(invocation, "ingest.failed")).toHaveLength(1)
    // Lambda counts the thrown error: one in the five-minute period fires the errors alarm.
    expect(alarmFires(alarm("ingest-errors"), [invocation.error === undefined ? 0 : 1])).toBe(true)

    // With no retry left, Lambda sends the run's record to the on-failure destination the
    // stack declares (the record Lambda writes, built from this invocation), and the
    // failed-runs alarm fires on the queue holding it.
    const destination = stack.one("aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig").inputs
    expect(destination["destinationConfig"].onFailure.destination).toBe(stack.one("aws:sqs/queue:Queue", "ingest-failures").state["arn"])
    // Lambda sends it with the function's role.
    const ingestRole = callerIn(stack, "ingest")
    await expectAllowed(
      { principal: ingestRole.principal, action: "sqs:SendMessage", resource: destination["destinationConfig"].onFailure.destination },
      { identity: ingestRole.identity }
    )
    await sqs.send(new SendMessageCommand({
      QueueUrl: failedIngestsUrl,
      MessageBody: JSON.stringify({
        version: "1.0",
        timestamp: new Date().toISOString(),
        requestContext: {
          requestId: "8f5d3b52-0e2a-4c8e-9b1e-4a6f2c7d9e01",
          functionArn: `${fn("ingest").state["arn"]}:$LATEST`,
          condition: "RetriesExhausted",
          approximateInvokeCount: destination["maximumRetryAttempts"] + 1
        },
        requestPayload: {},
        responseContext: { statusCode: 200, executedVersion: "$LATEST", functionError: "Unhandled" },
        responsePayload: invocation.error
      })
    }))
    expect(alarmFires(alarm("ingest-failed-runs"), [await visible(failedIngestsUrl)])).toBe(true)
  }, 60_000)
})

describe("the sandbox a function archive runs in", () => {
  it("resolves modules from the archive only and reads no file outside it", async () => {
    const probe = `exports.handler = async (event) => {
      const tries = {}
      for (const [name, load] of Object.entries({
        package: () => require(event.package),
        file: () => require("node:fs").readFileSync(event.file, "utf8")
      })) {
        try { load(); tries[name] = "read" } catch (error) { tries[name] = error.code }
      }
      return tries
    }`
    const sandbox = await unpackArchive(new pulumi.asset.AssetArchive({ "__index.js": new pulumi.asset.StringAsset(probe) }))
    try {
      const invocation = await invoke(sandbox, {
        handler: "__index.handler",
        environment: {},
        event: { package: "effect", file: new URL("../../package.json", import.meta.url).pathname }
      })
      expect(invocation.result).toEqual({ package: "MODULE_NOT_FOUND", file: "ERR_ACCESS_DENIED" })
    } finally {
      sandbox.remove()
    }
  })
})

/** Creates on moto what the stack declares: the bucket, the queues, their policies, the notification. */
const declareOnMoto = async (stack: DeclaredStack, s3: S3Client, sqs: SQSClient) => {
  const bucket = stack.outputs["bucketName"] as string
  await s3.send(new CreateBucketCommand({ Bucket: bucket }))
  const versioning = stack.one("aws:s3/bucketVersioning:BucketVersioning").inputs["versioningConfiguration"]
  await s3.send(new PutBucketVersioningCommand({ Bucket: bucket, VersioningConfiguration: { Status: versioning.status } }))

  const createQueue = async (queue: DeclaredResource, extra: Record<string, string> = {}) => {
    const attributes: Record<string, string> = { MessageRetentionPeriod: String(queue.inputs["messageRetentionSeconds"]), ...extra }
    if (queue.inputs["visibilityTimeoutSeconds"] !== undefined) {
      attributes["VisibilityTimeout"] = String(queue.inputs["visibilityTimeoutSeconds"])
    }
    if (queue.inputs["redrivePolicy"] !== undefined) attributes["RedrivePolicy"] = queue.inputs["redrivePolicy"]
    const created = await sqs.send(new CreateQueueCommand({ QueueName: queue.state["name"], Attributes: attributes }))
    const { Attributes } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: created.QueueUrl, AttributeNames: ["QueueArn"] }))
    // The mocks name ARNs as moto does (its default account and region), so the declared
    // policies and redrive targets point at these very queues.
    expect(Attributes?.["QueueArn"]).toBe(queue.state["arn"])
    return created.QueueUrl!
  }
  const deadLetterQueueUrl = await createQueue(stack.one("aws:sqs/queue:Queue", "analytics-dlq"))
  const failedIngestsUrl = await createQueue(stack.one("aws:sqs/queue:Queue", "ingest-failures"))
  const queueUrl = await createQueue(stack.one("aws:sqs/queue:Queue", "analytics"), {
    Policy: stack.one("aws:sqs/queuePolicy:QueuePolicy", "analytics").inputs["policy"]
  })

  const notification = stack.one("aws:s3/bucketNotification:BucketNotification").inputs
  await s3.send(new PutBucketNotificationConfigurationCommand({
    Bucket: bucket,
    NotificationConfiguration: {
      QueueConfigurations: (notification["queues"] as Array<Record<string, any>>).map((queue) => ({
        Id: queue["id"],
        QueueArn: queue["queueArn"],
        Events: queue["events"],
        Filter: {
          Key: { FilterRules: [{ Name: "prefix", Value: queue["filterPrefix"] }, { Name: "suffix", Value: queue["filterSuffix"] }] }
        }
      }))
    }
  }))
  return { queueUrl, deadLetterQueueUrl, failedIngestsUrl }
}

/** Receives until `done` holds for what arrived (or `waitMs` pass), as a Lambda poller would batch it. */
const receiveBatch = async (sqs: SQSClient, queueUrl: string, done: (messages: ReadonlyArray<Message>) => boolean, waitMs = 20_000) => {
  const messages: Array<Message> = []
  const deadline = Date.now() + waitMs
  while (!done(messages) && Date.now() < deadline) {
    const received = await sqs.send(new ReceiveMessageCommand({
      QueueUrl: queueUrl,
      MaxNumberOfMessages: 10,
      WaitTimeSeconds: 1,
      MessageSystemAttributeNames: ["All"]
    }))
    messages.push(...(received.Messages ?? []))
  }
  return messages
}

/** The SQS event Lambda's event source mapping hands the function for these messages. */
const sqsEvent = (messages: ReadonlyArray<Message>, stack: DeclaredStack) => ({
  Records: messages.map((message) => ({
    messageId: message.MessageId,
    receiptHandle: message.ReceiptHandle,
    body: message.Body,
    attributes: message.Attributes ?? {},
    messageAttributes: {},
    md5OfBody: message.MD5OfBody,
    eventSource: "aws:sqs",
    eventSourceARN: stack.one("aws:sqs/queue:Queue", "analytics").state["arn"],
    awsRegion: MOTO_REGION
  }))
})

/** An SQS record carrying S3's notification of a new population file, key encoded as S3 does. */
const populationNotification = (bucket: string, messageId: string) => ({
  messageId,
  receiptHandle: `${messageId}-receipt`,
  body: JSON.stringify({
    Records: [{
      eventVersion: "2.1",
      eventSource: "aws:s3",
      awsRegion: MOTO_REGION,
      eventTime: "2026-06-05T06:00:09.000Z",
      eventName: "ObjectCreated:Put",
      s3: { bucket: { name: bucket, arn: `arn:aws:s3:::${bucket}` }, object: { key: "population%2Fpopulation.json", size: 1 } }
    }]
  }),
  attributes: {},
  messageAttributes: {},
  eventSource: "aws:sqs",
  awsRegion: MOTO_REGION
})

/** The stored report.json against the independently computed golden reports (values, not key names). */
const expectGoldenReports = (stored: Record<string, any>) => {
  expect(stored["inputs"].bls.rows).toBe(expected.rows)
  expect(stored["populationStats"].years).toEqual(expected.population_stats.years)
  expect(stored["populationStats"].mean).toBe(expected.population_stats.mean)
  expect(stored["populationStats"].stddevSample).toBeCloseTo(expected.population_stats.stddev_sample, 6)
  expect(stored["populationStats"].stddevPopulation).toBeCloseTo(expected.population_stats.stddev_population, 6)
  expect(stored["bestYearBySeries"]).toEqual(expected.best_year.map(bestYearOfGolden))
  expect(stored["seriesWithoutQuarters"]).toEqual(expected.series_without_quarters)
  expect(stored["prs30006032Q01"]).toEqual(expected.prs30006032_q01.map(joinRowOfGolden))
}
