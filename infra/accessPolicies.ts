/**
 * The stack's IAM documents, as plain data so the tests read them back. Least privilege:
 * each statement names the exact actions, and resources down to the prefix (ingest) or the
 * object (the analytics inputs); the only wildcards are prefix wildcards (`…/bls/pr/*`)
 * and the log streams of the function's own group.
 */
import { BLS_DATA_KEY, mirrorPrefixOf, mirrorStateKeyOf, POPULATION_KEY, REPORTS_PREFIX } from "../domain/storeKeys.ts"
import { POPULATION_PREFIX } from "./storeLayout.ts"

type OneOrMore = string | ReadonlyArray<string>

export interface Statement {
  readonly Sid?: string
  readonly Effect: "Allow" | "Deny"
  readonly Principal?: "*" | Readonly<Record<string, string>>
  readonly Action: OneOrMore
  readonly Resource?: OneOrMore
  readonly Condition?: Record<string, Record<string, OneOrMore>>
}

export interface PolicyDocument<S extends Statement = Statement> {
  readonly Version: "2012-10-17"
  readonly Statement: ReadonlyArray<S>
}

export const policy = <S extends Statement>(...Statement: ReadonlyArray<S>): PolicyDocument<S> => ({ Version: "2012-10-17", Statement })

export const allow = (Sid: string, Action: ReadonlyArray<string>, Resource: ReadonlyArray<string>, Condition?: Statement["Condition"]) =>
  ({ Sid, Effect: "Allow" as "Allow" | "Deny", Action, Resource, ...(Condition === undefined ? {} : { Condition }) })

/** Only `service`, on the condition's terms, may send to the queue. */
export const sendOnlyFrom = (Sid: string, service: string, queueArn: string, Condition: NonNullable<Statement["Condition"]>) =>
  policy({ Sid, Effect: "Allow", Principal: { Service: service }, Action: "sqs:SendMessage", Resource: queueArn, Condition })

export const assumedByLambda = policy({ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" })

export const denyInsecureTransport = (bucketArn: string) => policy({
  Sid: "DenyInsecureTransport",
  Effect: "Deny",
  Principal: "*",
  Action: "s3:*",
  Resource: [bucketArn, `${bucketArn}/*`],
  Condition: { Bool: { "aws:SecureTransport": "false" } }
})

/**
 * What every function needs: list the bucket (without ListBucket S3 answers a read of a
 * missing key with 403, not 404, so a first run could not tell "absent" from "denied"; AWS
 * documents that rule with no word on an `s3:prefix` condition, so it is not scoped);
 * consume its queue, as an event source mapping does; write its own logs; and, for
 * objects written with SSE-KMS, the key to write (GenerateDataKey) and read (Decrypt).
 */
const functionPolicy = (
  { bucketArn, logGroupArn, kmsKeyArn }: FunctionAccess,
  ...own: ReadonlyArray<ReturnType<typeof allow>>
): PolicyDocument =>
  policy(
    allow("ListDataBucket", ["s3:ListBucket"], [bucketArn]),
    ...own,
    allow("WriteOwnLogs", ["logs:CreateLogStream", "logs:PutLogEvents"], [`${logGroupArn}:*`]),
    ...(kmsKeyArn === undefined ? [] : [allow("UseBucketKey", ["kms:Decrypt", "kms:GenerateDataKey"], [kmsKeyArn])])
  )

const consume = (Sid: string, queueArn: string) =>
  allow(Sid, ["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes"], [queueArn])

interface FunctionAccess {
  readonly bucketArn: string
  readonly logGroupArn: string
  readonly kmsKeyArn: string | undefined
  /** The queue the function consumes. */
  readonly queueArn: string
}

/**
 * The sync and the population fetch: read, write and delete their own prefixes only — each
 * configured survey's mirror and state, the population; consume the survey queue; and what
 * Lambda needs, acting as the function, to put a failed run in its destination queue.
 */
export const ingestPolicy = (access: FunctionAccess & { failedIngestsArn: string; surveys: ReadonlyArray<string> }) => {
  const { bucketArn, surveys } = access
  return functionPolicy(
    access,
    allow("ManageOwnPrefixes", ["s3:GetObject", "s3:PutObject", "s3:DeleteObject", "s3:AbortMultipartUpload"], [
      ...[...surveys.map(mirrorPrefixOf), POPULATION_PREFIX].map((prefix) => `${bucketArn}/${prefix}*`),
      ...surveys.map((survey) => `${bucketArn}/${mirrorStateKeyOf(mirrorPrefixOf(survey))}`)
    ]),
    consume("ConsumeSurveyRuns", access.queueArn),
    allow("RecordFailedRuns", ["sqs:SendMessage"], [access.failedIngestsArn])
  )
}

/** The reports: read the two inputs, write under reports/ (and abort an upload there that failed), consume their queue. */
export const analyticsPolicy = (access: FunctionAccess) =>
  functionPolicy(
    access,
    allow("ReadReportInputs", ["s3:GetObject"], [BLS_DATA_KEY, POPULATION_KEY].map((key) => `${access.bucketArn}/${key}`)),
    // A run writes each file into the dated folder and copies it to latest/: a copy reads its source.
    allow("WriteReports", ["s3:GetObject", "s3:PutObject", "s3:AbortMultipartUpload"], [`${access.bucketArn}/${REPORTS_PREFIX}*`]),
    consume("ConsumeOwnQueue", access.queueArn)
  )
