/**
 * The bytes stored are the bytes listed: a body whose Content-Length or length disagrees
 * with the listing is retried and never stored; a stored copy whose size disagrees with
 * the listing is asked for unconditionally (its ETag vouches for the wrong bytes); and a
 * validator S3 metadata cannot hold is kept in a form that fits and still sent back.
 */
import { sha256 } from "@noble/hashes/sha2.js"
import { bytesToHex } from "@noble/hashes/utils.js"
import * as Effect from "effect/Effect"
import { describe, expect, it } from "vitest"
import { defaultSyncOptions, syncMirror, type SyncOptions } from "../../domain/bls/syncMirror.ts"
import { getBytes, ObjectStore } from "../../domain/store/ObjectStore.ts"
import { makeMemoryStore, type MemoryStore } from "../support/memoryStore.ts"
import { failureOf, runWith, valueOf } from "../support/pipelineLayer.ts"
import { contentLength, headers } from "../support/upstream/index.ts"
import { useUpstream } from "../support/upstream/vitest.ts"

const upstream = useUpstream()
const sync = (store: MemoryStore, overrides: Partial<SyncOptions> = {}) =>
  runWith(syncMirror({ ...defaultSyncOptions, baseUrl: upstream.bls.baseUrl, ...overrides }), store)
const storedDigest = async (store: MemoryStore, key: string) => {
  const found = await Effect.runPromise(getBytes(key).pipe(Effect.provideService(ObjectStore, store)))
  return found === undefined ? undefined : bytesToHex(sha256(found.bytes))
}
const digestOf = (name: string) => bytesToHex(sha256(upstream.bls.file(name)!.bytes))
const DATA = "pr.data.0.Current"
const head = (store: MemoryStore, key: string) => Effect.runPromise(store.head(key))

describe("a Content-Length that disagrees with the listing", () => {
  it.each([
    ["smaller (a client reads a short copy that ends cleanly)", -100_000],
    ["larger (the body ends before it)", 5_000]
  ])("%s is retried and the whole file stored", async (_, delta) => {
    const size = upstream.bls.file(DATA)!.bytes.byteLength
    upstream.failNext(DATA, [contentLength(size + delta)])
    const store = makeMemoryStore()
    valueOf(await sync(store))
    expect(upstream.log.entries({ path: DATA }).map((e) => e.fault)).toEqual(["contentLength", undefined])
    expect(await storedDigest(store, `bls/pr/${DATA}`)).toBe(digestOf(DATA))
  })

  it("fails the file when it persists, storing nothing, on the streamed path too", async () => {
    const size = upstream.bls.file(DATA)!.bytes.byteLength
    upstream.failNext(DATA, Array.from({ length: 4 }, () => contentLength(size - 1)))
    const store = makeMemoryStore()
    const error = failureOf(await sync(store, { streamAboveBytes: 1_000 }))
    expect(error.message).toContain(`${DATA}: `)
    expect(error.message).toContain(`(last: the response announces ${size - 1} bytes, but the listing says ${size})`)
    expect(await head(store, `bls/pr/${DATA}`)).toBeUndefined()
  })
})

describe("a stored copy whose size disagrees with the listing", () => {
  it("is fetched without If-None-Match and replaced by the listed bytes", async () => {
    const store = makeMemoryStore()
    valueOf(await sync(store))
    // What an earlier version stored from a short Content-Length: a short copy under the real ETag.
    const key = `bls/pr/${DATA}`
    const stored = (await head(store, key))!
    const whole = (await Effect.runPromise(getBytes(key).pipe(Effect.provideService(ObjectStore, store))))!.bytes
    await Effect.runPromise(store.put(key, whole.subarray(0, 10_000), { contentType: stored.contentType, metadata: stored.metadata }))
    upstream.log.clear()

    const summary = valueOf(await sync(store))
    const [request] = upstream.log.entries({ path: DATA })
    expect(request).toMatchObject({ status: 200, ifNoneMatch: null, ifModifiedSince: null })
    expect(await storedDigest(store, key)).toBe(digestOf(DATA))
    expect(summary.updated).toBe(1)
  })
})

describe("a validator S3 metadata cannot hold", () => {
  it("non-ASCII: kept as base64 and sent back byte for byte in the next conditional request", async () => {
    const etag = `"caf\u00e9-\u00ff-2026"`
    upstream.failNext("pr.class", [headers({ etag })])
    const store = makeMemoryStore()
    valueOf(await sync(store))
    const metadata = (await head(store, "bls/pr/pr.class"))!.metadata
    expect(metadata["source-etag"]).toBeUndefined()
    expect(metadata["source-etag-b64"]).toBe(btoa(etag))

    upstream.bls.touch("pr.class")
    upstream.log.clear()
    valueOf(await sync(store))
    expect(upstream.log.entries({ path: "pr.class" })[0]?.ifNoneMatch).toBe(etag)
  })

  it("longer than S3's 2 KB: the file is stored with the validator's hash, and the state still sends it back", async () => {
    const etag = `"${"e".repeat(4_000)}"`
    upstream.failNext("pr.class", [headers({ etag })])
    const store = makeMemoryStore()
    valueOf(await sync(store))
    const stored = (await head(store, "bls/pr/pr.class"))!
    expect(stored.metadata["source-etag-sha256"]).toBe(bytesToHex(sha256(new TextEncoder().encode(etag))))
    expect(await storedDigest(store, "bls/pr/pr.class")).toBe(digestOf("pr.class"))

    upstream.bls.touch("pr.class")
    upstream.log.clear()
    valueOf(await sync(store))
    // The mirror's state (one JSON object, no metadata budget) keeps the validator as served.
    expect(upstream.log.entries({ path: "pr.class" })[0]?.ifNoneMatch).toBe(etag)
  })
})
