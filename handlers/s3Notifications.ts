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

/** The fields of an SQS record (as Lambda delivers it) that matter here. */
export interface SqsRecord {
  readonly messageId: string
  readonly body: string
}

export interface SqsEvent {
  readonly Records: ReadonlyArray<SqsRecord>
}

export type RecordVerdict =
  | { readonly messageId: string; readonly verdict: "report"; readonly objects: ReadonlyArray<string> }
  | { readonly messageId: string; readonly verdict: "skip"; readonly reason: string }
  | { readonly messageId: string; readonly verdict: "unreadable"; readonly reason: string }

interface S3EventRecord {
  readonly eventSource?: unknown
  readonly eventName?: unknown
  readonly s3?: { readonly bucket?: { readonly name?: unknown }; readonly object?: { readonly key?: unknown } }
}

/** S3 encodes keys in notifications as `application/x-www-form-urlencoded` values. */
export const decodeS3Key = (key: string): string => decodeURIComponent(key.replace(/\+/g, " "))

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === "object" && value !== null

const parseJson = (body: string): unknown => {
  try {
    return JSON.parse(body)
  } catch {
    return undefined
  }
}

/** `s3://bucket/key` of every object-created record, or a reason it is not such a body. */
const createdObjects = (body: unknown): ReadonlyArray<{ bucket: string; key: string }> | string => {
  if (!isRecord(body) || !Array.isArray(body["Records"])) return "the body is not an S3 event notification"
  const objects: Array<{ bucket: string; key: string }> = []
  for (const record of body["Records"] as ReadonlyArray<S3EventRecord>) {
    if (record.eventSource !== "aws:s3") return `a record comes from ${String(record.eventSource)}, not aws:s3`
    if (typeof record.eventName !== "string" || !record.eventName.startsWith("ObjectCreated:")) continue
    const bucket = record.s3?.bucket?.name
    const key = record.s3?.object?.key
    if (typeof bucket !== "string" || typeof key !== "string") return "a record names no bucket or key"
    try {
      objects.push({ bucket, key: decodeS3Key(key) })
    } catch {
      return `the key "${key}" is not URL-encoded`
    }
  }
  return objects
}

/**
 * What to do with one record. `populationKey` is the store key of the population JSON; a
 * store under a prefix (`s3://bucket/prefix`) sees it as `prefix/<populationKey>`.
 */
export const judgeRecord = (record: SqsRecord, populationKey: string): RecordVerdict => {
  const { messageId } = record
  const body = parseJson(record.body)
  if (body === undefined) return { messageId, verdict: "unreadable", reason: "the body is not JSON" }
  if (isRecord(body) && body["Event"] === "s3:TestEvent") {
    return { messageId, verdict: "skip", reason: "s3:TestEvent, sent when the notification was configured" }
  }
  const objects = createdObjects(body)
  if (typeof objects === "string") return { messageId, verdict: "unreadable", reason: objects }
  const population = objects.filter(({ key }) => key === populationKey || key.endsWith(`/${populationKey}`))
  if (population.length === 0) {
    const seen = objects.map(({ key }) => key).join(", ") || "no created object"
    return { messageId, verdict: "skip", reason: `not the population JSON (${seen})` }
  }
  return { messageId, verdict: "report", objects: population.map(({ bucket, key }) => `s3://${bucket}/${key}`) }
}
