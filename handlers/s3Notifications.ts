/**
 * Reads the S3 notifications that arrive through SQS: which records of a batch ask for
 * the reports, which can be dropped, which are unreadable.
 *
 * - S3 sends an `s3:TestEvent` when a notification is configured: dropped.
 * - Keys arrive URL-encoded as in a form (`population%2Fpopulation.json`, `+` for a
 *   space): decoded before comparing.
 * - Only the population JSON triggers the reports; any other key is dropped, whatever the
 *   notification filter lets through.
 * - A body that is not an S3 notification is a failure, so SQS retries it and then moves
 *   it to the dead-letter queue, where the alarm points at it.
 */
import type { SQSRecord } from "aws-lambda"
import * as Schema from "effect/Schema"
import { bodyDecoder } from "./sqsBody.ts"

export type RecordVerdict =
  | { readonly messageId: string; readonly verdict: "report"; readonly objects: ReadonlyArray<string> }
  | { readonly messageId: string; readonly verdict: "skip"; readonly reason: string }
  | { readonly messageId: string; readonly verdict: "unreadable"; readonly reason: string }

/** The fields of an S3 event record (aws-lambda's `S3EventRecord`) the analytics reads. */
const S3Record = Schema.Struct({
  eventSource: Schema.Literal("aws:s3"),
  eventName: Schema.String,
  s3: Schema.Struct({ bucket: Schema.Struct({ name: Schema.String }), object: Schema.Struct({ key: Schema.String }) })
})

/** An SQS body S3 wrote: its test event, or a notification (aws-lambda's `S3Event`). */
export const S3Notification = Schema.fromJsonString(
  Schema.Union([Schema.Struct({ Event: Schema.Literal("s3:TestEvent") }), Schema.Struct({ Records: Schema.Array(S3Record) })])
)

const decodeNotification = bodyDecoder(S3Notification)

/** S3 encodes keys in notifications as `application/x-www-form-urlencoded` values. */
export const decodeS3Key = (key: string): string => decodeURIComponent(key.replace(/\+/g, " "))

/**
 * What to do with one record. `populationKey` is the store key of the population JSON; a
 * store under a prefix (`s3://bucket/prefix`) sees it as `prefix/<populationKey>`.
 */
export const judgeRecord = (record: Pick<SQSRecord, "messageId" | "body">, populationKey: string): RecordVerdict => {
  const { messageId } = record
  const decoded = decodeNotification(record.body)
  if ("problem" in decoded) {
    return { messageId, verdict: "unreadable", reason: `the body is not an S3 event notification (${decoded.problem})` }
  }
  if ("Event" in decoded.value) {
    return { messageId, verdict: "skip", reason: "s3:TestEvent, sent when the notification was configured" }
  }
  const objects: Array<{ bucket: string; key: string }> = []
  for (const { eventName, s3 } of decoded.value.Records) {
    if (!eventName.startsWith("ObjectCreated:")) continue
    try {
      objects.push({ bucket: s3.bucket.name, key: decodeS3Key(s3.object.key) })
    } catch {
      return { messageId, verdict: "unreadable", reason: `the key "${s3.object.key}" is not URL-encoded` }
    }
  }
  const population = objects.filter(({ key }) => key === populationKey || key.endsWith(`/${populationKey}`))
  if (population.length === 0) {
    const seen = objects.map(({ key }) => key).join(", ") || "no created object"
    return { messageId, verdict: "skip", reason: `not the population JSON (${seen})` }
  }
  return { messageId, verdict: "report", objects: population.map(({ bucket, key }) => `s3://${bucket}/${key}`) }
}
