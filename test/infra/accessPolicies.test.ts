/**
 * The two function roles, the bucket policy and the queue policies the dev stack declares,
 * judged by the policy engine (iam-simulate, AWS's evaluation logic) rather than read back:
 * every action they name exists in AWS's Service Authorization Reference, and each role is
 * refused what it must not do while allowed what its code does. (What the code really does
 * is held by the archive-on-moto test, which runs both functions under these roles.)
 */
import { beforeAll, describe, expect, it } from "vitest"
import { actionExists, type AwsRequest, judge } from "../support/policyEngine.ts"
import { ACCOUNT_ID, type DeclaredStack, declareStack } from "./mockStack.ts"

const KMS_KEY_ARN = `arn:aws:kms:us-east-1:${ACCOUNT_ID}:key/1234abcd-12ab-34cd-56ef-1234567890ab`
const OTHER_BUCKET = "arn:aws:s3:::someone-elses-bucket"

let stack: DeclaredStack
let withKms: DeclaredStack
beforeAll(async () => {
  stack = await declareStack("dev")
  withKms = await declareStack("dev", { kmsKeyArn: KMS_KEY_ARN })
}, 120_000)

const parsed = (declared: DeclaredStack, type: string) =>
  declared.ofType(type).map((resource) => JSON.parse(resource.inputs["policy"]) as { Statement: Array<{ Action: string | Array<string> }> })

/** Every policy document the stack declares: role, bucket and queue policies. */
const documentsOf = (declared: DeclaredStack) =>
  ["aws:iam/rolePolicy:RolePolicy", "aws:s3/bucketPolicy:BucketPolicy", "aws:sqs/queuePolicy:QueuePolicy"].flatMap((type) => parsed(declared, type))

describe("every policy the stack declares", () => {
  it("names only actions AWS defines (a misspelt action grants nothing)", async () => {
    const actions = [...new Set([stack, withKms].flatMap(documentsOf).flatMap((document) =>
      document.Statement.flatMap((statement) => typeof statement.Action === "string" ? [statement.Action] : statement.Action)
    ))].filter((action) => action !== "s3:*").sort()
    expect(actions).toEqual(expect.arrayContaining(["kms:Decrypt", "s3:ListBucket", "sqs:SendMessage"]))
    const unknown: Array<string> = []
    for (const action of actions) if (!(await actionExists(action))) unknown.push(action)
    expect(unknown).toEqual([])
    // The check tells: the plural that is easy to type is no action.
    expect(await actionExists("s3:ListObjects")).toBe(false)
  })
})

describe("each role, as AWS would judge it", () => {
  const bucketArn = () => stack.one("aws:s3/bucket:Bucket").state["arn"] as string
  const queueArn = (suffix: string) => stack.one("aws:sqs/queue:Queue", suffix).state["arn"] as string
  const bucketPolicy = () => JSON.parse(stack.one("aws:s3/bucketPolicy:BucketPolicy").inputs["policy"])

  /** The role of `name` asks `action` on `resource` (in the bucket over TLS unless told): the verdict. */
  const ask = async (name: string, action: string, resource: string, context: AwsRequest["context"] = { "aws:SecureTransport": "true" }) => {
    const ours = resource.startsWith(`${bucketArn()}/`) || resource === bucketArn()
    const verdict = await judge(
      { principal: stack.one("aws:iam/role:Role", name).state["arn"], action, resource, account: ACCOUNT_ID, context },
      { identity: { [name]: JSON.parse(stack.one("aws:iam/rolePolicy:RolePolicy", name).inputs["policy"]) }, ...(ours ? { resource: bucketPolicy() } : {}) }
    )
    return `${verdict.allowed ? "allowed" : "denied"}: ${name} ${action} ${resource.replace(bucketArn(), "<bucket>")}`
  }

  it("the analytics reads its inputs and writes (or abandons an upload to) reports/, and may not write bls/ or population/", async () => {
    const b = bucketArn()
    expect(await Promise.all([
      ask("analytics", "s3:GetObject", `${b}/bls/pr/pr.data.0.Current`),
      ask("analytics", "s3:PutObject", `${b}/reports/latest/report.json`),
      ask("analytics", "s3:AbortMultipartUpload", `${b}/reports/latest/report.json`),
      ask("analytics", "s3:PutObject", `${b}/bls/pr/pr.data.0.Current`),
      ask("analytics", "s3:PutObject", `${b}/population/population.json`),
      ask("analytics", "s3:DeleteObject", `${b}/reports/latest/report.json`),
      ask("analytics", "s3:GetObject", `${b}/_state/bls/pr/mirror.json`),
      ask("analytics", "sqs:SendMessage", queueArn("ingest-failures"))
    ])).toEqual([
      "allowed: analytics s3:GetObject <bucket>/bls/pr/pr.data.0.Current",
      "allowed: analytics s3:PutObject <bucket>/reports/latest/report.json",
      "allowed: analytics s3:AbortMultipartUpload <bucket>/reports/latest/report.json",
      "denied: analytics s3:PutObject <bucket>/bls/pr/pr.data.0.Current",
      "denied: analytics s3:PutObject <bucket>/population/population.json",
      "denied: analytics s3:DeleteObject <bucket>/reports/latest/report.json",
      "denied: analytics s3:GetObject <bucket>/_state/bls/pr/mirror.json",
      `denied: analytics sqs:SendMessage ${queueArn("ingest-failures")}`
    ])
  })

  it("the ingest writes its survey and the population, and may not write reports/ nor another survey", async () => {
    const b = bucketArn()
    expect(await Promise.all([
      ask("ingest", "s3:PutObject", `${b}/bls/pr/pr.data.0.Current`),
      ask("ingest", "s3:PutObject", `${b}/population/population.json`),
      ask("ingest", "s3:PutObject", `${b}/reports/latest/report.json`),
      ask("ingest", "s3:DeleteObject", `${b}/reports/2026-06-05/report.json`),
      ask("ingest", "s3:PutObject", `${b}/bls/cu/cu.data.0.Current`),
      ask("ingest", "s3:ListBucketMultipartUploads", b),
      ask("ingest", "sqs:ReceiveMessage", queueArn("analytics"))
    ])).toEqual([
      "allowed: ingest s3:PutObject <bucket>/bls/pr/pr.data.0.Current",
      "allowed: ingest s3:PutObject <bucket>/population/population.json",
      "denied: ingest s3:PutObject <bucket>/reports/latest/report.json",
      "denied: ingest s3:DeleteObject <bucket>/reports/2026-06-05/report.json",
      "denied: ingest s3:PutObject <bucket>/bls/cu/cu.data.0.Current",
      "denied: ingest s3:ListBucketMultipartUploads <bucket>",
      `denied: ingest sqs:ReceiveMessage ${queueArn("analytics")}`
    ])
  })

  it("neither touches another bucket, nor its own over plain HTTP (the bucket policy's explicit deny)", async () => {
    const plainHttp = { "aws:SecureTransport": "false" }
    expect(await Promise.all([
      ask("ingest", "s3:ListBucket", OTHER_BUCKET),
      ask("ingest", "s3:PutObject", `${OTHER_BUCKET}/bls/pr/pr.data.0.Current`),
      ask("analytics", "s3:GetObject", `${OTHER_BUCKET}/bls/pr/pr.data.0.Current`),
      ask("analytics", "s3:ListBucket", OTHER_BUCKET),
      ask("analytics", "s3:GetObject", `${bucketArn()}/bls/pr/pr.data.0.Current`, plainHttp)
    ])).toEqual([
      `denied: ingest s3:ListBucket ${OTHER_BUCKET}`,
      `denied: ingest s3:PutObject ${OTHER_BUCKET}/bls/pr/pr.data.0.Current`,
      `denied: analytics s3:GetObject ${OTHER_BUCKET}/bls/pr/pr.data.0.Current`,
      `denied: analytics s3:ListBucket ${OTHER_BUCKET}`,
      "denied: analytics s3:GetObject <bucket>/bls/pr/pr.data.0.Current"
    ])
  })

  it("the queues take messages only from this bucket and this schedule, in this account", async () => {
    const send = async (principal: string, queue: string, sourceArn: string, account = ACCOUNT_ID) =>
      (await judge(
        { principal, action: "sqs:SendMessage", resource: queueArn(queue), account: ACCOUNT_ID, context: { "aws:SourceArn": sourceArn, "aws:SourceAccount": account } },
        { resource: JSON.parse(stack.one("aws:sqs/queuePolicy:QueuePolicy", queue).inputs["policy"]) }
      )).allowed
    const rule = stack.one("aws:cloudwatch/eventRule:EventRule").state["arn"] as string
    expect({
      fromThisBucket: await send("s3.amazonaws.com", "analytics", bucketArn()),
      fromAnotherBucket: await send("s3.amazonaws.com", "analytics", OTHER_BUCKET),
      fromThisBucketNameInAnotherAccount: await send("s3.amazonaws.com", "analytics", bucketArn(), "210987654321"),
      fromTheSchedule: await send("events.amazonaws.com", "surveys", rule),
      fromAnotherRule: await send("events.amazonaws.com", "surveys", `${rule}-other`)
    }).toEqual({
      fromThisBucket: true,
      fromAnotherBucket: false,
      fromThisBucketNameInAnotherAccount: false,
      fromTheSchedule: true,
      fromAnotherRule: false
    })
  })
})
