/**
 * How the analytics function reads a batch: bodies as S3 and moto really send them
 * (a test event first, keys URL-encoded), and the bodies it must refuse.
 */
import { describe, expect, it } from "vitest"
import { decodeS3Key, judgeRecord } from "../../handlers/s3Notifications.ts"

const KEY = "population/population.json"

const notification = (key: string, eventName = "ObjectCreated:Put", bucket = "quest-data") =>
  JSON.stringify({
    Records: [{
      eventVersion: "2.1",
      eventSource: "aws:s3",
      awsRegion: "us-east-1",
      eventTime: "2026-06-05T06:00:09.123Z",
      eventName,
      s3: {
        s3SchemaVersion: "1.0",
        configurationId: "population-to-analytics",
        bucket: { name: bucket, arn: `arn:aws:s3:::${bucket}` },
        object: { key, size: 2291, eTag: "0123456789abcdef0123456789abcdef", sequencer: "0065A1B2C3D4E5F6" }
      }
    }]
  })

const record = (body: string, messageId = "m-1") => ({ messageId, body })

describe("decodeS3Key", () => {
  it("decodes keys the way S3 encodes them in notifications", () => {
    expect(decodeS3Key("population%2Fpopulation.json")).toBe(KEY)
    expect(decodeS3Key("reports/2026-06-05/a+b%2Bc.json")).toBe("reports/2026-06-05/a b+c.json")
    expect(decodeS3Key("caf%C3%A9.json")).toBe("café.json")
  })
})

describe("judgeRecord", () => {
  it("asks for the reports when the population JSON was created, however its key is encoded", () => {
    for (const key of ["population%2Fpopulation.json", KEY]) {
      expect(judgeRecord(record(notification(key)), KEY)).toEqual({
        messageId: "m-1",
        verdict: "report",
        objects: ["s3://quest-data/population/population.json"]
      })
    }
  })

  it("counts every kind of creation: put, copy, multipart upload", () => {
    for (const eventName of ["ObjectCreated:Copy", "ObjectCreated:CompleteMultipartUpload"]) {
      expect(judgeRecord(record(notification(KEY, eventName)), KEY).verdict).toBe("report")
    }
  })

  it("finds the population JSON of a store under a prefix", () => {
    expect(judgeRecord(record(notification("mirror%2Fpopulation%2Fpopulation.json")), KEY)).toMatchObject({
      verdict: "report",
      objects: ["s3://quest-data/mirror/population/population.json"]
    })
  })

  it("skips S3's test event", () => {
    const testEvent = JSON.stringify({
      Service: "Amazon S3",
      Event: "s3:TestEvent",
      Time: "2026-06-05T06:00:00.000Z",
      Bucket: "quest-data",
      RequestId: "5582815E1AEA5ADF",
      HostId: "8cLeGAmw098X5cv4Zkwcmo8vvZa3eH3eKxsPzbB9wrR+YstdA6Knx4Ip8EXAMPLE"
    })
    expect(judgeRecord(record(testEvent), KEY)).toMatchObject({ verdict: "skip", reason: expect.stringContaining("s3:TestEvent") })
  })

  it("skips other keys and events that create nothing", () => {
    expect(judgeRecord(record(notification("population%2Fpopulation-old.json")), KEY)).toMatchObject({
      verdict: "skip",
      reason: expect.stringContaining("population/population-old.json")
    })
    expect(judgeRecord(record(notification("xpopulation%2Fpopulation.json")), KEY).verdict).toBe("skip")
    expect(judgeRecord(record(notification(KEY, "ObjectRemoved:Delete")), KEY).verdict).toBe("skip")
  })

  it("refuses what is not an S3 notification, so SQS retries it into the dead-letter queue", () => {
    const unreadable = [
      ["{not json", "not an S3 event notification (Expected a valid JSON string)"],
      [JSON.stringify({ hello: "world" }), `not an S3 event notification (Missing key at ["Records"])`],
      [JSON.stringify({ Records: [{ eventSource: "aws:sns" }] }), `(Expected "aws:s3" at ["Records"][0]["eventSource"])`],
      [
        JSON.stringify({ Records: [{ eventSource: "aws:s3", eventName: "ObjectCreated:Put", s3: {} }] }),
        `(Missing key at ["Records"][0]["s3"]["bucket"])`
      ],
      [notification("population%2Fpopulation%ZZ.json"), `the key "population%2Fpopulation%ZZ.json" is not URL-encoded`]
    ] as const
    for (const [body, reason] of unreadable) {
      expect(judgeRecord(record(body, "m-9"), KEY), body).toEqual({
        messageId: "m-9",
        verdict: "unreadable",
        reason: expect.stringContaining(reason)
      })
    }
  })
})
