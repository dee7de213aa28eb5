/**
 * The IAM documents of the two functions, as plain data so the tests can read them back.
 * Least privilege: each statement names the exact actions, and resources down to the
 * prefix (ingest) or the object (the analytics inputs); the only wildcards are the
 * prefix wildcards `…/bls/pr/*` etc. and the log streams of the function's own group.
 */
import { BLS_DATA_KEY, mirrorPrefixOf, mirrorStateKeyOf, POPULATION_KEY, POPULATION_PREFIX, REPORTS_PREFIX } from "./storeLayout.ts"

interface Statement {
  readonly Sid: string
  readonly Effect: "Allow"
  readonly Action: ReadonlyArray<string>
  readonly Resource: ReadonlyArray<string>
}

export interface PolicyDocument {
  readonly Version: "2012-10-17"
  readonly Statement: ReadonlyArray<Statement>
}

export const assumedByLambda = {
  Version: "2012-10-17",
  Statement: [{ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" }]
}

const allow = (Sid: string, Action: ReadonlyArray<string>, Resource: ReadonlyArray<string>): Statement => ({
  Sid,
  Effect: "Allow",
  Action,
  Resource
})

/**
 * A sync lists its mirror; and without ListBucket S3 answers a read of a missing key with
 * 403, not 404, so a first run could not tell "absent" from "denied". AWS documents that
 * rule for ListBucket on the bucket, with no word on an `s3:prefix` condition: not scoped.
 */
const listBucket = (bucketArn: string) => allow("ListDataBucket", ["s3:ListBucket"], [bucketArn])

const writeOwnLogs = (logGroupArn: string) =>
  allow("WriteOwnLogs", ["logs:CreateLogStream", "logs:PutLogEvents"], [`${logGroupArn}:*`])

/** Objects written with SSE-KMS need the key to write (GenerateDataKey) and read (Decrypt). */
const useBucketKey = (kmsKeyArn: string | undefined) =>
  kmsKeyArn === undefined ? [] : [allow("UseBucketKey", ["kms:Decrypt", "kms:GenerateDataKey"], [kmsKeyArn])]

interface FunctionAccess {
  readonly bucketArn: string
  readonly logGroupArn: string
  readonly kmsKeyArn: string | undefined
}

export interface IngestAccess extends FunctionAccess {
  /** The on-failure destination of the ingest's asynchronous invocations. */
  readonly failedIngestsArn: string
  /** The queue of survey runs the ingest consumes. */
  readonly surveyQueueArn: string
  /** The surveys it mirrors: it may write under their prefixes only. */
  readonly surveys: ReadonlyArray<string>
}

/**
 * The sync and the population fetch: read, write and delete their own prefixes only — each
 * configured survey's mirror and state, the population; consume the survey queue; and
 * what Lambda needs, acting as the function, to put a failed run in its destination queue.
 */
export const ingestPolicy = (
  { bucketArn, logGroupArn, kmsKeyArn, failedIngestsArn, surveyQueueArn, surveys }: IngestAccess
): PolicyDocument => ({
  Version: "2012-10-17",
  Statement: [
    listBucket(bucketArn),
    allow(
      "ManageOwnPrefixes",
      ["s3:GetObject", "s3:PutObject", "s3:DeleteObject", "s3:AbortMultipartUpload"],
      [
        ...[...surveys.map(mirrorPrefixOf), POPULATION_PREFIX].map((prefix) => `${bucketArn}/${prefix}*`),
        ...surveys.map((survey) => `${bucketArn}/${mirrorStateKeyOf(mirrorPrefixOf(survey))}`)
      ]
    ),
    // What an SQS event source mapping needs to poll the queue and delete what it handled.
    allow("ConsumeSurveyRuns", ["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes"], [surveyQueueArn]),
    allow("RecordFailedRuns", ["sqs:SendMessage"], [failedIngestsArn]),
    writeOwnLogs(logGroupArn),
    ...useBucketKey(kmsKeyArn)
  ]
})

export interface AnalyticsAccess extends FunctionAccess {
  readonly queueArn: string
}

/**
 * The reports: read the two inputs, write under reports/ (and abort an upload there that
 * failed), consume their own queue.
 */
export const analyticsPolicy = ({ bucketArn, logGroupArn, kmsKeyArn, queueArn }: AnalyticsAccess): PolicyDocument => ({
  Version: "2012-10-17",
  Statement: [
    listBucket(bucketArn),
    allow("ReadReportInputs", ["s3:GetObject"], [BLS_DATA_KEY, POPULATION_KEY].map((key) => `${bucketArn}/${key}`)),
    // A run writes each file into the dated folder and copies it to latest/: a copy reads its source.
    allow("WriteReports", ["s3:GetObject", "s3:PutObject", "s3:AbortMultipartUpload"], [`${bucketArn}/${REPORTS_PREFIX}*`]),
    // What a Lambda event source mapping needs to poll a queue and delete what it handled.
    allow("ConsumeOwnQueue", ["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes"], [queueArn]),
    writeOwnLogs(logGroupArn),
    ...useBucketKey(kmsKeyArn)
  ]
})
