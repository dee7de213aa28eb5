/**
 * The contract every ObjectStore keeps (see domain/store/ObjectStore.ts), as one suite
 * each implementation's test file registers with its own factory. Each test gets a fresh,
 * empty store. Bodies are the real BLS fixtures, streamed in chunks as a download is.
 */
import { sha256 } from "@noble/hashes/sha2.js"
import { bytesToHex } from "@noble/hashes/utils.js"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import { expect, it } from "vitest"
import type { ObjectStoreShape, PutOptions } from "../../domain/store/ObjectStore.ts"
import { getBytes, ObjectStore, StoreError } from "../../domain/store/ObjectStore.ts"
import { chunkedStream, ConnectionCut, cutAfter } from "../support/upstream/bodyStreams.ts"
import { blsFixtureFiles } from "../support/upstream/fixtureData.ts"

export type StoreFactory = () => Promise<ObjectStoreShape>

const fixture = (name: string): Uint8Array => {
  const file = blsFixtureFiles().find((f) => f.name === name)
  if (file === undefined) throw new Error(`test/fixtures/bls/pr/${name} is missing`)
  return file.bytes
}

/** Every byte value, twice, in an order that is not ASCII text. */
const allByteValues = Uint8Array.from({ length: 512 }, (_, i) => (i * 167 + 13) % 256)


/** Metadata as the sync stores it: quotes, colons, slashes, a hash, a date. */
const syncMetadata = (name: string, bytes: Uint8Array) => ({
  "sha256": bytesToHex(sha256(bytes)),
  "size": String(bytes.byteLength),
  "source-etag": "\"1b2c3d-5f0a9e8c\"",
  "source-last-modified": "Thu, 04 Jun 2026 12:30:00 GMT",
  "source-url": `https://download.bls.gov/pub/time.series/pr/${name}`,
  "synced-at": "2026-06-05T01:02:03.456Z"
})

const run = <A>(effect: Effect.Effect<A, StoreError>) => Effect.runPromise(effect)

const failureOf = async (effect: Effect.Effect<unknown, StoreError>): Promise<StoreError> => {
  const error = await Effect.runPromise(Effect.flip(effect))
  expect(error).toBeInstanceOf(StoreError)
  return error
}

const read = async (store: ObjectStoreShape, key: string) =>
  Effect.runPromise(getBytes(key).pipe(Effect.provide(Layer.succeed(ObjectStore, store))))

const expectObject = async (
  store: ObjectStoreShape,
  key: string,
  bytes: Uint8Array,
  options: Pick<PutOptions, "contentType" | "metadata"> = {}
) => {
  const found = await read(store, key)
  expect(found, `object ${key}`).toBeDefined()
  expect(found!.bytes.byteLength).toBe(bytes.byteLength)
  expect(Buffer.from(found!.bytes).equals(Buffer.from(bytes)), `bytes of ${key}`).toBe(true)
  const head = await run(store.head(key))
  expect(head).toMatchObject({ key, size: bytes.byteLength })
  expect(found!.object).toMatchObject({ key, size: bytes.byteLength })
  if (options.metadata !== undefined) {
    expect(head!.metadata).toEqual(options.metadata)
    expect(found!.object.metadata).toEqual(options.metadata)
  }
  if (options.contentType !== undefined) {
    expect(head!.contentType).toBe(options.contentType)
    expect(found!.object.contentType).toBe(options.contentType)
  }
}

const keysOf = async (store: ObjectStoreShape, prefix: string) =>
  (await run(store.list(prefix))).map((o) => o.key)

export const storeContract = (makeStore: StoreFactory) => {
  it("gives back exactly the bytes it was given, binary and text alike", async () => {
    const store = await makeStore()
    const series = fixture("pr.series")
    await run(store.put("bls/pr/pr.series", series))
    await run(store.put("bin/all-bytes", allByteValues))
    await run(store.put("text/utf8.txt", "productivité ✓ 日本"))
    await run(store.put("empty", new Uint8Array(0)))
    await expectObject(store, "bls/pr/pr.series", series)
    await expectObject(store, "bin/all-bytes", allByteValues)
    await expectObject(store, "text/utf8.txt", new TextEncoder().encode("productivité ✓ 日本"))
    await expectObject(store, "empty", new Uint8Array(0))
    const head = await run(store.head("bls/pr/pr.series"))
    expect(head!.lastModified).toBeInstanceOf(Date)
  })

  it("keeps the content type and the user metadata with the object", async () => {
    const store = await makeStore()
    const bytes = fixture("pr.period")
    const options = { contentType: "text/plain; charset=utf-8", metadata: syncMetadata("pr.period", bytes) }
    await run(store.put("bls/pr/pr.period", bytes, options))
    await expectObject(store, "bls/pr/pr.period", bytes, options)
    // A later put replaces the metadata as a whole.
    await run(store.put("bls/pr/pr.period", bytes, { metadata: { "sha256": options.metadata.sha256 } }))
    expect((await run(store.head("bls/pr/pr.period")))!.metadata).toEqual({ "sha256": options.metadata.sha256 })
  })

  it("answers undefined for a key it does not hold", async () => {
    const store = await makeStore()
    await run(store.put("bls/pr/pr.series", fixture("pr.series")))
    expect(await run(store.head("bls/pr/pr.missing"))).toBeUndefined()
    expect(await run(store.get("bls/pr/pr.missing"))).toBeUndefined()
    // A "folder" of other keys is not an object either.
    expect(await run(store.head("bls/pr"))).toBeUndefined()
    expect(await run(store.get("bls"))).toBeUndefined()
  })

  it("lists recursively under a prefix, sorted by key, with sizes and etags", async () => {
    const store = await makeStore()
    const files = ["pr.series", "pr.period", "pr.class", "pr.txt"]
    for (const name of files) {
      await run(store.put(`bls/pr/${name}`, fixture(name), { contentType: "text/plain", metadata: { "origin": "bls" } }))
    }
    await run(store.put("bls/pr/archive/2025/pr.series", fixture("pr.series")))
    await run(store.put("bls/prx", "not under bls/pr/"))
    await run(store.put("population/population.json", "{}"))

    const underPr = await run(store.list("bls/pr/"))
    expect(underPr).toEqual([
      { key: "bls/pr/archive/2025/pr.series", size: fixture("pr.series").byteLength, etag: expect.any(String) },
      ...files.toSorted().map((name) => ({ key: `bls/pr/${name}`, size: fixture(name).byteLength, etag: expect.any(String) }))
    ])
    expect(await keysOf(store, "bls/pr/pr.")).toEqual(files.toSorted().map((name) => `bls/pr/${name}`))
    expect(await keysOf(store, "bls/pr/pr.s")).toEqual(["bls/pr/pr.series"])
    expect(await keysOf(store, "bls/pr")).toEqual([...underPr.map((o) => o.key), "bls/prx"])
    expect(await keysOf(store, "")).toEqual([...underPr.map((o) => o.key), "bls/prx", "population/population.json"])
    expect(await keysOf(store, "reports/")).toEqual([])
  })

  it("gives each write an etag that list, head and get show, and a rewrite changes", async () => {
    const store = await makeStore()
    const first = await run(store.put("bls/pr/pr.series", fixture("pr.series")))
    const listed = async () => (await run(store.list("bls/pr/")))[0]?.etag
    expect(first.etag).not.toBe("")
    expect(await listed()).toBe(first.etag)
    expect((await run(store.head("bls/pr/pr.series")))?.etag).toBe(first.etag)
    const streamed = await run(store.put("bls/pr/pr.series", chunkedStream(fixture("pr.class")), {
      contentLength: fixture("pr.class").byteLength
    }))
    expect(streamed.etag).not.toBe(first.etag)
    expect(await listed()).toBe(streamed.etag)
    const found = await run(store.get("bls/pr/pr.series"))
    await found?.body.cancel()
    expect(found?.object.etag).toBe(streamed.etag)
  })

  it("stores a streamed body of a large file, chunk by chunk", async () => {
    const store = await makeStore()
    const bytes = fixture("pr.data.0.Current")
    expect(bytes.byteLength).toBeGreaterThan(1024 * 1024)
    const options = { contentType: "text/plain", contentLength: bytes.byteLength, metadata: { "size": String(bytes.byteLength) } }
    await run(store.put("bls/pr/pr.data.0.Current", chunkedStream(bytes), options))
    await expectObject(store, "bls/pr/pr.data.0.Current", bytes, { contentType: "text/plain", metadata: options.metadata })
  })

  it("stores a streamed body of unknown length (a report made as it is sent)", async () => {
    const store = await makeStore()
    const bytes = fixture("pr.data.0.Current")
    const options = { contentType: "text/csv", metadata: { "bls-sha256": "00ff" } }
    await run(store.put("reports/latest/best-year-by-series.csv", chunkedStream(bytes), options))
    await expectObject(store, "reports/latest/best-year-by-series.csv", bytes, options)
  })

  const keepsPreviousObject = async (
    store: ObjectStoreShape,
    attempt: (key: string, next: Uint8Array) => Effect.Effect<void, StoreError>
  ) => {
    const key = "bls/pr/pr.data.0.Current"
    const previous = fixture("pr.data.0.Current")
    const next = fixture("pr.data.1.AllData")
    const previousOptions = { contentType: "text/plain", metadata: syncMetadata("pr.data.0.Current", previous) }
    await run(store.put(key, chunkedStream(previous), { ...previousOptions, contentLength: previous.byteLength }))
    const error = await failureOf(attempt(key, next))
    expect(error.operation).toBe("put")
    expect(error.key).toBe(key)
    expect(error.location).toBe(store.location)
    await expectObject(store, key, previous, previousOptions)
    expect(await run(store.list(""))).toEqual([{ key, size: previous.byteLength, etag: expect.any(String) }])
    return error
  }

  it("fails a put whose body stream breaks midway, keeping the previous object", async () => {
    const store = await makeStore()
    const error = await keepsPreviousObject(store, (key, next) =>
      store.put(key, cutAfter(chunkedStream(next), 300_000, "reset"), { contentLength: next.byteLength }))
    expect(error.cause).toBeInstanceOf(ConnectionCut)
    expect(error.message).toContain("reset the connection")
  })

  it("fails a put whose body breaks before the first byte, creating nothing", async () => {
    const store = await makeStore()
    const reset = new ConnectionCut(true, 0)
    const broken = new ReadableStream<Uint8Array>({ pull: (c) => c.error(reset) })
    const error = await failureOf(store.put("bls/pr/pr.series", broken, { contentLength: 10 }))
    expect(error.cause).toBe(reset)
    expect(await run(store.head("bls/pr/pr.series"))).toBeUndefined()
    expect(await run(store.list(""))).toEqual([])
  })

  it("fails a put whose stream ends short of its contentLength, keeping the previous object", async () => {
    const store = await makeStore()
    const error = await keepsPreviousObject(store, (key, next) =>
      store.put(key, chunkedStream(next.subarray(0, 300_000)), { contentLength: next.byteLength }))
    expect(error.message).toContain("300000")
  })

  it("fails a put whose stream is longer than its contentLength, keeping the previous object", async () => {
    const store = await makeStore()
    await keepsPreviousObject(store, (key, next) =>
      store.put(key, chunkedStream(next), { contentLength: next.byteLength - 1 }))
  })

  it("fails a put of bytes that do not match their contentLength, keeping the previous object", async () => {
    const store = await makeStore()
    await keepsPreviousObject(store, (key, next) => store.put(key, next, { contentLength: next.byteLength + 1 }))
  })

  it("copies an object onto itself to replace its metadata without touching its bytes", async () => {
    const store = await makeStore()
    const bytes = fixture("pr.series")
    const first = syncMetadata("pr.series", bytes)
    await run(store.put("bls/pr/pr.series", bytes, { contentType: "text/plain", metadata: first }))
    const second = { ...first, "synced-at": "2026-06-06T00:00:00.000Z" }
    await run(store.copy("bls/pr/pr.series", "bls/pr/pr.series", { metadata: second }))
    // No contentType given: the object keeps its own.
    await expectObject(store, "bls/pr/pr.series", bytes, { contentType: "text/plain", metadata: second })
    await run(store.copy("bls/pr/pr.series", "bls/pr/pr.series", { contentType: "text/tab-separated-values", metadata: {} }))
    await expectObject(store, "bls/pr/pr.series", bytes, { contentType: "text/tab-separated-values", metadata: {} })
    expect(await keysOf(store, "")).toEqual(["bls/pr/pr.series"])
  })

  it("copies an object to another key with new metadata, leaving the source as it was", async () => {
    const store = await makeStore()
    const bytes = fixture("pr.data.0.Current")
    const source = { contentType: "text/plain", metadata: syncMetadata("pr.data.0.Current", bytes) }
    await run(store.put("bls/pr/pr.data.0.Current", bytes, source))
    const copied = { contentType: "text/csv", metadata: { "copied-from": "bls/pr/pr.data.0.Current" } }
    await run(store.copy("bls/pr/pr.data.0.Current", "reports/2026-06-05/input.tsv", copied))
    await expectObject(store, "reports/2026-06-05/input.tsv", bytes, copied)
    await expectObject(store, "bls/pr/pr.data.0.Current", bytes, source)
  })

  it("fails to copy a key it does not hold", async () => {
    const store = await makeStore()
    const error = await failureOf(store.copy("bls/pr/pr.missing", "bls/pr/pr.copy", { metadata: {} }))
    expect(error.operation).toBe("copy")
    expect(error.message).toContain("bls/pr/pr.missing")
    expect(await run(store.list(""))).toEqual([])
  })

  it("refuses metadata S3 would refuse or mangle, writing nothing", async () => {
    const store = await makeStore()
    await run(store.put("population/population.json", "{}", { metadata: { sha256: "old" } }))
    const refused: ReadonlyArray<[Record<string, string>, RegExp]> = [
      [{ "source-etag": "W/\"caf\u00e9\"" }, /printable ASCII/],
      [{ "Source-Url": "https://example.com/" }, /lower-case/],
      [{ big: "x".repeat(2100) }, /more than S3's 2048/]
    ]
    for (const [metadata, problem] of refused) {
      expect((await failureOf(store.put("population/population.json", "new", { metadata }))).message).toMatch(problem)
      expect((await failureOf(store.copy("population/population.json", "population/copy.json", { metadata }))).message)
        .toMatch(problem)
    }
    const kept = await run(store.head("population/population.json"))
    expect(kept?.metadata).toEqual({ sha256: "old" })
    expect((await run(store.list(""))).map((o) => o.key)).toEqual(["population/population.json"])
  })

  it("deletes an object, and deleting a missing key succeeds", async () => {
    const store = await makeStore()
    await run(store.put("bls/pr/pr.series", fixture("pr.series"), { metadata: { "origin": "bls" } }))
    await run(store.put("bls/pr/pr.period", fixture("pr.period")))
    await run(store.delete("bls/pr/pr.series"))
    expect(await run(store.head("bls/pr/pr.series"))).toBeUndefined()
    expect(await run(store.get("bls/pr/pr.series"))).toBeUndefined()
    expect(await keysOf(store, "")).toEqual(["bls/pr/pr.period"])
    await run(store.delete("bls/pr/pr.series"))
    await run(store.delete("never/was"))
    expect(await keysOf(store, "")).toEqual(["bls/pr/pr.period"])
    // A key put again after its delete carries only its new metadata.
    await run(store.put("bls/pr/pr.series", fixture("pr.series")))
    await expectObject(store, "bls/pr/pr.series", fixture("pr.series"), { metadata: {} })
  })

  it("handles keys with spaces and non-ASCII characters like any other", async () => {
    const store = await makeStore()
    const keys = ["bls/pr/file with spaces.txt", "données/productivité 2026.csv", "日本/系列 #1+2%.txt"]
    for (const [i, key] of keys.entries()) {
      await run(store.put(key, fixture("pr.period"), { contentType: "text/plain", metadata: { "n": String(i) } }))
    }
    expect(await keysOf(store, "")).toEqual(keys.toSorted())
    expect(await keysOf(store, "données/")).toEqual(["données/productivité 2026.csv"])
    for (const [i, key] of keys.entries()) {
      await expectObject(store, key, fixture("pr.period"), { contentType: "text/plain", metadata: { "n": String(i) } })
    }
    await run(store.copy(keys[0]!, "copies/à côté.txt", { metadata: { "n": "copy" } }))
    await expectObject(store, "copies/à côté.txt", fixture("pr.period"), { metadata: { "n": "copy" } })
    for (const key of [...keys, "copies/à côté.txt"]) await run(store.delete(key))
    expect(await run(store.list(""))).toEqual([])
  })
}
