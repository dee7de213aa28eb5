import { mkdtemp, readFile, rm } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join, relative } from "node:path"
import { CreateBucketCommand, GetObjectCommand } from "@aws-sdk/client-s3"
import * as Effect from "effect/Effect"
import { afterAll, describe, expect, it } from "vitest"
import { objectStoreLayerFor } from "../../adapters/objectStoreFromUrl.ts"
import { ObjectStore, StoreError } from "../../domain/store/ObjectStore.ts"
import { blsFixtureFiles } from "../support/upstream/fixtureData.ts"
import { describeWithMoto, useEnv } from "../support/moto.ts"

const series = () => blsFixtureFiles().find((f) => f.name === "pr.series")!.bytes

/** Puts pr.series through the store the location names; answers the store's location. */
const putSeriesIn = (location: string) =>
  Effect.gen(function*() {
    const store = yield* ObjectStore
    yield* store.put("bls/pr/pr.series", series(), { metadata: { "origin": "bls" } })
    return store.location
  }).pipe(Effect.provide(objectStoreLayerFor(location)))

const putSeries = (location: string) => Effect.runPromise(putSeriesIn(location))

const roots: Array<string> = []
afterAll(() => Promise.all(roots.map((root) => rm(root, { recursive: true, force: true }))))

describe("the store a location names", () => {
  it("is a local folder for a path, relative ones from the working directory", async () => {
    const root = await mkdtemp(join(tmpdir(), "quest-store-url-"))
    roots.push(root)
    const location = relative(process.cwd(), join(root, "data"))
    expect(location.startsWith("/")).toBe(false)
    expect(await putSeries(location)).toBe(location)
    expect(new Uint8Array(await readFile(join(root, "data", "bls", "pr", "pr.series")))).toEqual(series())
  })

  it("refuses other schemes and malformed bucket names when it is built", async () => {
    for (const location of ["gs://bucket/prefix", "https://example.com/data", "s3://", "s3://Not_A_Bucket/x"]) {
      const error = await Effect.runPromise(Effect.flip(putSeriesIn(location)))
      expect(error, location).toBeInstanceOf(StoreError)
      expect(error.operation).toBe("open")
      expect(error.location).toBe(location)
    }
  })
})

describeWithMoto("the store a location names, on moto", (moto) => {
  // By host name: an IP address endpoint would get path-style addressing from the SDK anyway.
  useEnv(() => ({ ...moto().env, AWS_ENDPOINT_URL: moto().endpoint.replace("127.0.0.1", "localhost") }))

  it("is S3 for s3://bucket/prefix, configured from the standard AWS environment", async () => {
    const client = moto().s3Client()
    await client.send(new CreateBucketCommand({ Bucket: "quest-from-url" }))
    expect(await putSeries("s3://quest-from-url/quest/mirror")).toBe("s3://quest-from-url/quest/mirror")
    const stored = await client.send(new GetObjectCommand({ Bucket: "quest-from-url", Key: "quest/mirror/bls/pr/pr.series" }))
    expect(stored.Metadata).toEqual({ "origin": "bls" })
    expect(await stored.Body!.transformToByteArray()).toEqual(series())
  })
})
