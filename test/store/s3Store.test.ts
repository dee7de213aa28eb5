import {
  CreateBucketCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListMultipartUploadsCommand,
  ListObjectsV2Command,
  S3Client
} from "@aws-sdk/client-s3"
import * as Effect from "effect/Effect"
import { beforeAll, describe, expect, it } from "vitest"
import { makeS3Store, S3_TIMEOUTS, s3ClientFromEnv } from "../../adapters/s3Store.ts"
import { chunkedStream, ConnectionCut, cutAfter } from "../support/upstream/bodyStreams.ts"
import { blsFixtureFiles } from "../support/upstream/fixtureData.ts"
import { describeWithMoto } from "../support/moto.ts"
import { storeContract } from "./contract.ts"

const series = () => blsFixtureFiles().find((f) => f.name === "pr.series")!.bytes

let buckets = 0
const newBucket = async (client: S3Client) => {
  const bucket = `quest-store-test-${++buckets}`
  await client.send(new CreateBucketCommand({ Bucket: bucket }))
  return bucket
}

describeWithMoto("S3 store on moto, under a prefix", (moto) => {
  let bucket = ""
  let stores = 0
  beforeAll(async () => {
    bucket = await newBucket(moto().s3Client())
  })
  // All stores share one bucket, each under its own prefix: what one test wrote must never
  // show up in another's store.
  storeContract(async () => makeS3Store({ bucket, prefix: `mirror-${++stores}`, client: moto().s3Client() }))

  it("keeps keys under its prefix and metadata as S3 user metadata", async () => {
    const client = moto().s3Client()
    const store = makeS3Store({ bucket, prefix: "/quest/mirror/", client })
    expect(store.location).toBe(`s3://${bucket}/quest/mirror`)
    await Effect.runPromise(store.put("bls/pr/pr.series", chunkedStream(series()), {
      contentType: "text/plain",
      contentLength: series().byteLength,
      metadata: { "source-etag": "\"abc\"", "sha256": "00ff" }
    }))
    const listed = await client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: "quest/" }))
    expect(listed.Contents?.map((o) => o.Key)).toEqual(["quest/mirror/bls/pr/pr.series"])
    const head = await client.send(new HeadObjectCommand({ Bucket: bucket, Key: "quest/mirror/bls/pr/pr.series" }))
    expect(head).toMatchObject({
      ContentLength: series().byteLength,
      ContentType: "text/plain",
      Metadata: { "source-etag": "\"abc\"", "sha256": "00ff" }
    })
  })

  // 20 MiB of the real series file, repeated: five parts.
  const large = () => {
    const bytes = new Uint8Array(20 * 1024 * 1024 + 123)
    for (let at = 0; at < bytes.byteLength; at += series().byteLength) bytes.set(series().subarray(0, bytes.byteLength - at), at)
    return bytes
  }

  describe("a streamed body of known length under the multipart cutoff (200 MiB)", () => {
    it("goes up in one request, byte for byte", async () => {
      const client = moto().s3Client()
      const store = makeS3Store({ bucket, prefix: "single", client })
      const bytes = large()
      await Effect.runPromise(store.put("bls/xx/big", chunkedStream(bytes), { contentLength: bytes.byteLength, metadata: { "sha256": "00ff" } }))
      const stored = await client.send(new GetObjectCommand({ Bucket: bucket, Key: "single/bls/xx/big" }))
      // One part: a plain MD5 ETag, no part count.
      expect(stored.ETag).toMatch(/^"[0-9a-f]{32}"$/)
      expect(stored.Metadata).toEqual({ "sha256": "00ff" })
      expect(Buffer.from(await stored.Body!.transformToByteArray()).equals(Buffer.from(bytes))).toBe(true)
    })

    it("lasts as long as the download behind it: the client's request timeout does not cut it", async () => {
      // A client whose requests time out after 300 ms, and a body that takes three times that to arrive.
      const client = s3ClientFromEnv({
        endpoint: moto().endpoint,
        region: "us-east-1",
        credentials: { accessKeyId: "testing", secretAccessKey: "testing" },
        forcePathStyle: true,
        requestHandler: { ...S3_TIMEOUTS, requestTimeout: 300 }
      })
      const store = makeS3Store({ bucket, prefix: "single-slow", client })
      const bytes = series()
      let sent = 0
      const slow = new ReadableStream<Uint8Array>({
        async pull(controller) {
          if (sent >= bytes.byteLength) return controller.close()
          await new Promise((resolve) => setTimeout(resolve, 300))
          controller.enqueue(bytes.subarray(sent, sent += Math.ceil(bytes.byteLength / 3)))
        }
      })
      await Effect.runPromise(store.put("bls/xx/slow", slow, { contentLength: bytes.byteLength }))
      const stored = await client.send(new GetObjectCommand({ Bucket: bucket, Key: "single-slow/bls/xx/slow" }))
      expect(Buffer.from(await stored.Body!.transformToByteArray()).equals(Buffer.from(bytes))).toBe(true)
    })

    it("failing after its last byte was read stores nothing: that byte is never sent", async () => {
      const client = moto().s3Client()
      const store = makeS3Store({ bucket, prefix: "single-late", client })
      await Effect.runPromise(store.put("bls/xx/big", series(), { contentType: "text/plain" }))
      const bytes = large()
      // Every byte, then a failure a moment later (as a digest that finds the bytes already
      // stored refuses at the end): time enough for a request that had every byte to complete.
      const refusedAtEnd = new ReadableStream<Uint8Array>({
        start(controller) {
          for (let at = 0; at < bytes.byteLength; at += 65_536) controller.enqueue(bytes.subarray(at, at + 65_536))
        },
        async pull(controller) {
          await new Promise((resolve) => setTimeout(resolve, 500))
          controller.error(new Error("refused at the end"))
        }
      })
      const error = await Effect.runPromise(Effect.flip(store.put("bls/xx/big", refusedAtEnd, { contentLength: bytes.byteLength })))
      expect(error.message).toContain("refused at the end")
      const stored = await client.send(new GetObjectCommand({ Bucket: bucket, Key: "single-late/bls/xx/big" }))
      expect(await stored.Body!.transformToString()).toBe(new TextDecoder().decode(series()))
    })
  })

  it("marks S3's throttling and 5xx answers transient (the sync fetches the file again), a refusal not", async () => {
    const client = moto().s3Client()
    // moto never throttles: the SDK's error for each answer, thrown where the request would go out.
    let answer: Error | undefined
    client.middlewareStack.add((next) => (args) => answer === undefined ? next(args) : Promise.reject(answer), { step: "initialize" })
    const store = makeS3Store({ bucket, prefix: "transient", client })
    const bytes = large()
    const flagged = async (name: string, httpStatusCode: number) => {
      answer = Object.assign(new Error(name), { name, $metadata: { httpStatusCode } })
      const error = await Effect.runPromise(Effect.flip(store.put("bls/xx/big", chunkedStream(bytes), { contentLength: bytes.byteLength })))
      return error.transient ?? false
    }
    expect([await flagged("SlowDown", 503), await flagged("InternalError", 500), await flagged("AccessDenied", 403)]).toEqual([true, true, false])
  })

  describe("a streamed body past the multipart cutoff (here 5 MiB)", () => {

    it("goes up as a multipart upload, byte for byte, with its metadata", async () => {
      const client = moto().s3Client()
      const store = makeS3Store({ bucket, prefix: "multipart", client, multipartAboveBytes: 5 * 1024 * 1024 })
      const bytes = large()
      await Effect.runPromise(store.put("bls/xx/big", chunkedStream(bytes), {
        contentType: "text/plain",
        contentLength: bytes.byteLength,
        metadata: { "sha256": "00ff" }
      }))
      const stored = await client.send(new GetObjectCommand({ Bucket: bucket, Key: "multipart/bls/xx/big" }))
      // A multipart ETag counts its parts.
      expect(stored.ETag).toMatch(/-5"$/)
      expect(stored).toMatchObject({ ContentType: "text/plain", Metadata: { "sha256": "00ff" } })
      expect(Buffer.from(await stored.Body!.transformToByteArray()).equals(Buffer.from(bytes))).toBe(true)
    })

    it("cut off in its third part keeps the previous object and leaves no upload behind", async () => {
      const client = moto().s3Client()
      const store = makeS3Store({ bucket, prefix: "multipart-cut", client, multipartAboveBytes: 5 * 1024 * 1024 })
      await Effect.runPromise(store.put("bls/xx/big", series(), { contentType: "text/plain" }))
      const bytes = large()
      const error = await Effect.runPromise(Effect.flip(store.put("bls/xx/big", cutAfter(chunkedStream(bytes), 12 * 1024 * 1024, "reset"), {
        contentLength: bytes.byteLength
      })))
      expect(error.cause).toBeInstanceOf(ConnectionCut)
      const stored = await client.send(new GetObjectCommand({ Bucket: bucket, Key: "multipart-cut/bls/xx/big" }))
      expect(await stored.Body!.transformToString()).toBe(new TextDecoder().decode(series()))
      const uploads = await client.send(new ListMultipartUploadsCommand({ Bucket: bucket, Prefix: "multipart-cut/" }))
      expect(uploads.Uploads ?? []).toEqual([])
    })

    it("at the highest concurrency, keeps at most 4 parts in flight however many uploads are asked at once", async () => {
      const client = moto().s3Client()
      let inFlight = 0
      let most = 0
      // Each part is held a moment on its way to moto, so that uploads running together overlap.
      client.middlewareStack.add((next, context) => async (args) => {
        if (context.commandName !== "UploadPartCommand") return next(args)
        most = Math.max(most, ++inFlight)
        try {
          await new Promise((resolve) => setTimeout(resolve, 100))
          return await next(args)
        } finally {
          inFlight -= 1
        }
      }, { step: "initialize" })
      const store = makeS3Store({ bucket, prefix: "multipart-many", client, concurrency: 64, multipartAboveBytes: 5 * 1024 * 1024 })
      // Twelve bodies of two parts each (5 MiB + 1 byte), put all at once.
      const bytes = large().subarray(0, 5 * 1024 * 1024 + 1)
      const keys = Array.from({ length: 12 }, (_, index) => `bls/xx/big-${index}`)
      await Effect.runPromise(Effect.forEach(
        keys,
        (key) => store.put(key, chunkedStream(bytes), { contentLength: bytes.byteLength }),
        { concurrency: "unbounded" }
      ))
      expect(most).toBeLessThanOrEqual(4)
      expect(most).toBeGreaterThan(1)
      const listed = await Effect.runPromise(store.list("bls/"))
      expect(listed.map((object) => [object.key, object.size])).toEqual(
        keys.toSorted().map((key) => [key, bytes.byteLength])
      )
    })

    it("ending short of its contentLength stores nothing", async () => {
      const client = moto().s3Client()
      const store = makeS3Store({ bucket, prefix: "multipart-short", client, multipartAboveBytes: 5 * 1024 * 1024 })
      const bytes = large()
      const error = await Effect.runPromise(Effect.flip(store.put("bls/xx/big", chunkedStream(bytes.subarray(0, 17 * 1024 * 1024)), {
        contentLength: bytes.byteLength
      })))
      expect(error.message).toContain(`ended after ${17 * 1024 * 1024} of its ${bytes.byteLength} bytes`)
      expect(await Effect.runPromise(store.list(""))).toEqual([])
      const uploads = await client.send(new ListMultipartUploadsCommand({ Bucket: bucket, Prefix: "multipart-short/" }))
      expect(uploads.Uploads ?? []).toEqual([])
    })
  })

  it("stores a streamed body of unknown length as it comes: one PutObject, or parts past 5 MiB", async () => {
    const client = moto().s3Client()
    const store = makeS3Store({ bucket, prefix: "no-length", client })
    const small = series()
    const large = new Uint8Array(17 * 1024 * 1024 + 5)
    for (let at = 0; at < large.byteLength; at += small.byteLength) large.set(small.subarray(0, large.byteLength - at), at)
    await Effect.runPromise(store.put("reports/small.csv", chunkedStream(small), { contentType: "text/csv" }))
    await Effect.runPromise(store.put("reports/large.csv", chunkedStream(large), { contentType: "text/csv" }))
    for (const [key, bytes] of [["small.csv", small], ["large.csv", large]] as const) {
      const stored = await client.send(new GetObjectCommand({ Bucket: bucket, Key: `no-length/reports/${key}` }))
      expect(Buffer.from(await stored.Body!.transformToByteArray()).equals(Buffer.from(bytes)), key).toBe(true)
      expect(stored.ContentType).toBe("text/csv")
    }
    // Four parts for the large one (5 + 5 + 5 + 2 MiB): its ETag says so.
    const head = await client.send(new HeadObjectCommand({ Bucket: bucket, Key: "no-length/reports/large.csv" }))
    expect(head.ETag).toMatch(/-4"$/)
  })

  it("says which bucket is missing", async () => {
    const store = makeS3Store({ bucket: "quest-no-such-bucket", client: moto().s3Client() })
    const error = await Effect.runPromise(Effect.flip(store.list("bls/")))
    expect(error.message).toContain(`the bucket "quest-no-such-bucket" does not exist`)
    expect(error.location).toBe("s3://quest-no-such-bucket")
  })
})

describeWithMoto("S3 store on moto, at the bucket's root", (moto) => {
  storeContract(async () => makeS3Store({ bucket: await newBucket(moto().s3Client()), client: moto().s3Client() }))
})

describe("S3 store errors", () => {
  /** A client whose every request gets S3's answer to a caller without permission. */
  const denyingClient = () =>
    new S3Client({
      region: "eu-west-1",
      credentials: { accessKeyId: "AKIDEXAMPLE", secretAccessKey: "secret" },
      requestHandler: {
        handle: async () => ({
          response: {
            statusCode: 403,
            reason: "Forbidden",
            headers: { "content-type": "application/xml" },
            body: new Blob([
              "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>AccessDenied</Code><Message>Access Denied</Message>" +
                "<RequestId>1</RequestId><HostId>2</HostId></Error>"
            ]).stream()
          }
        })
      }
    })

  it("names the bucket and key on access denied, and what to check", async () => {
    const store = makeS3Store({ bucket: "quest-prod", prefix: "mirror", client: denyingClient() })
    const error = await Effect.runPromise(Effect.flip(store.put("bls/pr/pr.series", series())))
    expect(error.message).toContain("s3://quest-prod/mirror/bls/pr/pr.series")
    expect(error.message).toContain("AccessDenied")
    expect(error.message).toContain("s3:PutObject")
    expect(error.message).toMatch(/credentials/)
    const listing = await Effect.runPromise(Effect.flip(store.list("bls/")))
    expect(listing.message).toContain("s3:ListBucket")
  })
})
