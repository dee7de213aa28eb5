/**
 * The BLS mirror, end to end against the fake BLS (msw) and an in-memory store: what a
 * user would see in the store and in the source's request log.
 */
import { sha256 } from "@noble/hashes/sha2.js"
import { bytesToHex } from "@noble/hashes/utils.js"
import { describe, expect, it } from "vitest"
import { defaultSyncOptions, syncMirror, type SyncOptions } from "../../domain/bls/syncMirror.ts"
import { type Body, getBytes, type PutOptions, StoreError } from "../../domain/store/ObjectStore.ts"
import * as Effect from "effect/Effect"
import { makeMemoryStore, type MemoryStore } from "../support/memoryStore.ts"
import { failureOf, runWith, runWithLogs, valueOf } from "../support/pipelineLayer.ts"
import { runOnTestClock } from "../support/upstream/clocked.ts"
import { dropMidBody, shortBody, status } from "../support/upstream/index.ts"
import { useUpstream } from "../support/upstream/vitest.ts"

const upstream = useUpstream()

const options = (overrides: Partial<SyncOptions> = {}): SyncOptions => ({
  ...defaultSyncOptions,
  baseUrl: upstream.bls.baseUrl,
  ...overrides
})

const sync = (store: MemoryStore, overrides: Partial<SyncOptions> = {}) => runWith(syncMirror(options(overrides)), store)

const storedBytes = async (store: MemoryStore, key: string) => {
  const found = await Effect.runPromise(getBytes(key).pipe(Effect.provideService(ObjectStoreKey, store)))
  return found?.bytes
}
import { ObjectStore as ObjectStoreKey } from "../../domain/store/ObjectStore.ts"

/** A store holding a completed first sync, with the log and write log cleared. */
const mirrored = async () => {
  const store = makeMemoryStore()
  valueOf(await sync(store))
  store.clearWrites()
  upstream.log.clear()
  return store
}

const fileRequests = () => upstream.log.entries({ route: "bls-file" })

/** The mirror's state object, written after every sync that changed what it records. */
const STATE_KEY = "_state/bls/pr/mirror.json"
const stateWrite = expect.objectContaining({ operation: "put", key: STATE_KEY })

/** The store calls a run makes, reads included. */
const counting = (memory: MemoryStore) => {
  const calls: Array<string> = []
  const store: MemoryStore = Object.assign(Object.create(memory) as MemoryStore, {
    list: (prefix: string) => (calls.push(`list ${prefix}`), memory.list(prefix)),
    head: (key: string) => (calls.push(`head ${key}`), memory.head(key)),
    get: (key: string) => (calls.push(`get ${key}`), memory.get(key)),
    put: (key: string, body: Body, options?: PutOptions) => (calls.push(`put ${key}`), memory.put(key, body, options)),
    delete: (key: string) => (calls.push(`delete ${key}`), memory.delete(key))
  })
  return { store, calls }
}

describe("a first sync", () => {
  it("stores every listed file byte for byte, with its sync metadata", async () => {
    const store = makeMemoryStore()
    const summary = valueOf(await sync(store))

    const files = upstream.bls.files()
    expect(summary).toMatchObject({ listed: files.length, added: files.length, updated: 0, deleted: 0, unchanged: 0 })
    expect(summary.bytesDownloaded).toBe(files.reduce((sum, f) => sum + f.bytes.byteLength, 0))
    expect(summary.requests).toBe(files.length + 1)
    const keys = (await Effect.runPromise(store.list(""))).map((o) => o.key)
    // The mirror's own state sits apart from the mirrored files.
    expect(keys).toEqual([STATE_KEY, ...files.map((f) => `bls/pr/${f.name}`)])
    for (const file of files) {
      expect(await storedBytes(store, `bls/pr/${file.name}`)).toEqual(file.bytes)
      const head = await Effect.runPromise(store.head(`bls/pr/${file.name}`))
      expect(head?.metadata).toMatchObject({
        "sha256": bytesToHex(sha256(file.bytes)),
        "size": String(file.bytes.byteLength),
        "source-etag": file.etag,
        "source-url": `${upstream.bls.baseUrl}${file.name}`
      })
      expect(head?.metadata["source-last-modified"]).toBe(file.modified.toUTCString())
      expect(Date.parse(head?.metadata["synced-at"] ?? "")).not.toBeNaN()
    }
    // Every file was asked for once, identifying the operator.
    expect(fileRequests()).toHaveLength(files.length)
    expect(upstream.log.entries().every((e) => e.userAgent?.includes("quest-tests@example.com"))).toBe(true)
  })

  it("logs one structured summary line, the value it returns", async () => {
    const { exit, logs } = await runWithLogs(syncMirror(options()), makeMemoryStore())
    const summary = valueOf(exit)
    expect(logs).toEqual([{
      level: "Info",
      message: [{ message: `BLS sync: ${summary.added} added, 0 updated, 0 deleted, 0 unchanged of ${summary.listed} listed`, ...summary }]
    }])
    expect(JSON.parse(JSON.stringify(summary))).toEqual(summary)
  })

  it("stores nothing on a dry run and says what it would do", async () => {
    const store = makeMemoryStore()
    const summary = valueOf(await sync(store, { dryRun: true }))
    expect(summary.added).toBe(upstream.bls.files().length)
    expect(store.writes).toEqual([])
    expect(upstream.log.count()).toBe(1)
  })
})

describe("a sync of an up-to-date mirror", () => {
  it("asks only for the listing and writes nothing", async () => {
    const store = await mirrored()
    const summary = valueOf(await sync(store))
    expect(upstream.log.count()).toBe(1)
    expect(upstream.log.count({ route: "bls-listing" })).toBe(1)
    expect(store.writes).toEqual([])
    expect(summary).toMatchObject({ added: 0, updated: 0, deleted: 0, unchanged: upstream.bls.files().length })
    expect(summary.bytesDownloaded).toBe(0)
  })

  it("makes two store calls whatever the file count: the listing and the state", async () => {
    for (let i = 0; i < 300; i++) upstream.bls.put(`pr.extra.${i}`, `file ${i}\n`)
    const memory = await mirrored()
    const { store, calls } = counting(memory)
    valueOf(await sync(store))
    expect(calls).toEqual(["list bls/pr/", `get ${STATE_KEY}`])
  })

  it("never trusts the state for an object written since: it reads it, and restores the upstream bytes", async () => {
    const memory = await mirrored()
    await Effect.runPromise(memory.put("bls/pr/pr.series", "edited by hand\n"))
    memory.clearWrites()
    const { store, calls } = counting(memory)
    const summary = valueOf(await sync(store))
    expect(calls.filter((call) => call.startsWith("head"))).toEqual(["head bls/pr/pr.series"])
    expect(fileRequests().map((e) => e.url)).toEqual([`${upstream.bls.baseUrl}pr.series`])
    expect(await storedBytes(memory, "bls/pr/pr.series")).toEqual(upstream.bls.file("pr.series")!.bytes)
    expect(summary).toMatchObject({ updated: 1 })
  })

  it("reads each object's metadata when the state is unreadable, then records it again", async () => {
    const memory = await mirrored()
    await Effect.runPromise(memory.put(STATE_KEY, "{ not json"))
    memory.clearWrites()
    const { store, calls } = counting(memory)
    const { exit, logs } = await runWithLogs(syncMirror(options()), store)
    expect(valueOf(exit)).toMatchObject({ unchanged: upstream.bls.files().length })
    expect(calls.filter((call) => call.startsWith("head"))).toHaveLength(upstream.bls.files().length)
    expect(fileRequests()).toEqual([])
    expect(logs.find((line) => line.level === "Warn")?.message.join(" ")).toMatch(/not a mirror state/)
    expect(memory.writes).toEqual([stateWrite])
    const again = counting(memory)
    valueOf(await sync(again.store))
    expect(again.calls).toEqual(["list bls/pr/", `get ${STATE_KEY}`])
  })
})

describe("upstream changes", () => {
  it("downloads and writes exactly the one file that changed", async () => {
    const store = await mirrored()
    const changed = upstream.bls.put("pr.series", "series_id\tbegin_year\nPRS1\t2000\n")
    const summary = valueOf(await sync(store))

    expect(fileRequests().map((e) => e.url)).toEqual([`${upstream.bls.baseUrl}pr.series`])
    expect(store.writes).toEqual([{ operation: "put", key: "bls/pr/pr.series", size: changed.bytes.byteLength }, stateWrite])
    expect(await storedBytes(store, "bls/pr/pr.series")).toEqual(changed.bytes)
    expect(summary).toMatchObject({ updated: 1, added: 0, deleted: 0 })
  })

  it("asks conditionally and records the new validators, storing no bytes, when a file's date moved but its bytes did not", async () => {
    const store = await mirrored()
    const before = upstream.bls.file("pr.class")!
    const touched = upstream.bls.touch("pr.class")
    const summary = valueOf(await sync(store))

    const [request] = fileRequests()
    expect(request).toMatchObject({ ifNoneMatch: before.etag, status: 200 })
    // New validators: the source re-sent the bytes, but the same bytes are not uploaded again.
    expect(store.writes).toEqual([stateWrite])
    expect(await storedBytes(store, STATE_KEY)).toSatisfy((state: Uint8Array) => new TextDecoder().decode(state).includes(JSON.stringify(touched.etag)))
    expect(summary).toMatchObject({ updated: 0, unchanged: upstream.bls.files().length })

    // And the next run is back to a single request.
    upstream.log.clear()
    store.clearWrites()
    valueOf(await sync(store))
    expect(upstream.log.count()).toBe(1)
    expect(store.writes).toEqual([])
  })

  it("deletes the mirrored copy of a file removed upstream", async () => {
    const store = await mirrored()
    upstream.bls.remove("pr.footnote")
    const summary = valueOf(await sync(store))
    expect(store.writes).toEqual([{ operation: "delete", key: "bls/pr/pr.footnote" }, stateWrite])
    expect(await Effect.runPromise(store.head("bls/pr/pr.footnote"))).toBeUndefined()
    expect(summary.deleted).toBe(1)
  })

  it("stores a file added upstream", async () => {
    const store = await mirrored()
    const added = upstream.bls.put("pr.new file.txt", "brand new\n")
    valueOf(await sync(store))
    expect(await storedBytes(store, "bls/pr/pr.new file.txt")).toEqual(added.bytes)
    expect(store.writes).toEqual([expect.objectContaining({ operation: "put", key: "bls/pr/pr.new file.txt" }), stateWrite])
  })
})

describe("a flaky source", () => {
  it("retries 503s and succeeds", async () => {
    upstream.failNext("pr.series", [status(503), status(503)])
    const store = makeMemoryStore()
    valueOf(await sync(store))
    expect(upstream.log.entries({ path: "pr.series" }).map((e) => e.status)).toEqual([503, 503, 200])
    expect(await storedBytes(store, "bls/pr/pr.series")).toEqual(upstream.bls.file("pr.series")!.bytes)
  })

  it("waits as long as a 429's Retry-After says (on the test clock)", async () => {
    upstream.failNext("pr.class", [status(429, { retryAfter: 1 })])
    const { exit, elapsedMs } = await runOnTestClock(syncMirror(options()), { upstream, store: makeMemoryStore(), stepMs: 10 })
    valueOf(exit)
    const [refused, served] = upstream.log.entries({ path: "pr.class" })
    expect(refused?.status).toBe(429)
    expect(served?.status).toBe(200)
    // The test policy's own backoff is 5 ms; only Retry-After explains a second's wait.
    expect(elapsedMs).toBeGreaterThanOrEqual(1000)
  })

  it("retries a connection dropped mid-body and never stores a partial object", async () => {
    upstream.failNext("pr.data.0.Current", [dropMidBody(100_000)])
    const store = makeMemoryStore()
    valueOf(await sync(store))
    expect(upstream.log.entries({ path: "pr.data.0.Current" }).map((e) => e.fault)).toEqual(["dropMidBody", undefined])
    expect(await storedBytes(store, "bls/pr/pr.data.0.Current")).toEqual(upstream.bls.file("pr.data.0.Current")!.bytes)
    expect(store.writes.filter((w) => w.key === "bls/pr/pr.data.0.Current")).toHaveLength(1)
  })

  it("fails on a body that keeps ending short, and leaves the previous copy and every other file in place", async () => {
    const store = await mirrored()
    const previous = upstream.bls.file("pr.series")!.bytes
    upstream.bls.put("pr.series", "a newer series list\n".repeat(50))
    upstream.bls.remove("pr.footnote")
    upstream.failNext("pr.series", Array.from({ length: 4 }, () => shortBody(10)))

    const error = failureOf(await sync(store))
    expect(error._tag).toBe("SyncIncomplete")
    expect(error.message).toMatch(/pr\.series/)
    // Node's fetch itself reports a body shorter than its Content-Length as a broken connection.
    expect(error.message).toMatch(/4 attempts \(last: (connection broke mid-body|body ended after 10 of 1000 bytes)/)
    expect(await storedBytes(store, "bls/pr/pr.series")).toEqual(previous)
    // A failed run deletes nothing, even what upstream removed.
    expect(await Effect.runPromise(store.head("bls/pr/pr.footnote"))).toBeDefined()
    expect(store.writes).toEqual([])
  })

  it("retries a listing whose connection drops mid-page", async () => {
    upstream.failNext(upstream.bls.baseUrl, [dropMidBody(200)])
    const summary = valueOf(await sync(makeMemoryStore()))
    expect(upstream.log.entries({ route: "bls-listing" }).map((e) => e.fault)).toEqual(["dropMidBody", undefined])
    expect(summary.added).toBe(upstream.bls.files().length)
  })

  it("does not sit through a Retry-After longer than a run waits (on the test clock)", async () => {
    upstream.failNext(upstream.bls.baseUrl, [status(503, { retryAfter: 3600 })])
    const { exit, elapsedMs } = await runOnTestClock(syncMirror(options()), { upstream, store: makeMemoryStore(), stepMs: 10 })
    const error = failureOf(exit)
    expect(error._tag).toBe("SourceUnavailable")
    expect(error.message).toMatch(/1 attempts.*retry after 3600 s/)
    expect(elapsedMs).toBeLessThan(1000)
  })

  it("reports a store that refuses a streamed write as the store's failure, without retrying the source", async () => {
    const memory = makeMemoryStore()
    const refusing: MemoryStore = Object.assign(Object.create(memory) as MemoryStore, {
      put: (key: string, body: Body, options?: PutOptions) =>
        body instanceof ReadableStream
          ? Effect.andThen(
            Effect.promise(() => body.cancel()),
            Effect.fail(new StoreError({ operation: "put", key, location: memory.location, detail: "AccessDenied" }))
          )
          : memory.put(key, body, options)
    })
    const error = failureOf(await sync(refusing, { streamAboveBytes: 1_000 }))
    expect(error.message).toMatch(/AccessDenied/)
    expect(error.message).not.toMatch(/mid-body|attempts/)
    expect(upstream.log.count({ path: "pr.data.1.AllData" })).toBe(1)
  })

  it("gives up on a 503 that never ends with a message that says so", async () => {
    upstream.failNext(upstream.bls.baseUrl, Array.from({ length: 4 }, () => status(503)))
    const error = failureOf(await sync(makeMemoryStore()))
    expect(error._tag).toBe("SourceUnavailable")
    expect(error.message).toMatch(/4 attempts.*HTTP 503/)
  })
})

describe("refusals", () => {
  it("turns a 403 into an error that explains BLS's contact policy, without retrying", async () => {
    upstream.failNext(upstream.bls.baseUrl, [status(403)])
    const error = failureOf(await sync(makeMemoryStore()))
    expect(error._tag).toBe("SourceForbidden")
    expect(error.message).toMatch(/QUEST_CONTACT/)
    expect(upstream.log.count()).toBe(1)
  })

  it("refuses to run without a contact, before any request", async () => {
    const exit = await runWith(syncMirror(options()), makeMemoryStore(), { contact: "" })
    expect(failureOf(exit)._tag).toBe("ContactRequired")
    expect(upstream.log.count()).toBe(0)
  })

  it("treats a listing with no files as a drifted format and deletes nothing", async () => {
    const store = await mirrored()
    upstream.bls.setListing({ html: "<html><body><h1>Service notice</h1><p>Back soon.</p></body></html>" })
    const error = failureOf(await sync(store))
    expect(error._tag).toBe("ListingFormatError")
    expect(store.writes).toEqual([])
  })

  it("deletes nothing on the word of a page that was cut off", async () => {
    const store = await mirrored()
    const page = await (await fetch(upstream.bls.baseUrl, { headers: { "user-agent": "x (t@example.com)" } })).text()
    upstream.log.clear()
    // Cut after the third file's link, closed cleanly: nothing but the missing end tells.
    const cut = page.slice(0, page.indexOf("pr.data.1.AllData</A>") + "pr.data.1.AllData</A>".length)
    upstream.bls.setListing({ html: cut })
    const { exit, logs } = await runWithLogs(syncMirror(options()), store)
    expect(valueOf(exit)).toMatchObject({ deleted: 0 })
    expect(store.writes).toEqual([])
    expect(logs.find((line) => line.level === "Warn")?.message.join(" ")).toMatch(/complete page.*8 deletion/)
  })

  it("refuses a run that would delete more than the allowed share, unless forced", async () => {
    const store = await mirrored()
    const names = upstream.bls.files().map((f) => f.name)
    for (const name of names.slice(0, 7)) upstream.bls.remove(name)

    const error = failureOf(await sync(store))
    expect(error._tag).toBe("DeleteGuardTripped")
    expect(error.message).toMatch(/7 of the 12/)
    expect(store.writes).toEqual([])

    const summary = valueOf(await sync(store, { force: true }))
    expect(summary.deleted).toBe(7)
  })

  it("ignores links that are not plain files directly under the directory", async () => {
    upstream.bls.setListing({ hostileLinks: true })
    const store = makeMemoryStore()
    const summary = valueOf(await sync(store))
    const keys = (await Effect.runPromise(store.list("bls/"))).map((o) => o.key)
    expect(keys).toEqual(upstream.bls.files().map((f) => `bls/pr/${f.name}`))
    expect(summary.listed).toBe(upstream.bls.files().length)
    expect(upstream.log.entries().every((e) => e.route !== "unknown")).toBe(true)
  })
})

describe("files larger than the in-memory limit", () => {
  it("stream straight to their key, their hash recorded in the state", async () => {
    const store = makeMemoryStore()
    valueOf(await sync(store, { streamAboveBytes: 1_000 }))
    for (const file of upstream.bls.files()) {
      expect(await storedBytes(store, `bls/pr/${file.name}`)).toEqual(file.bytes)
    }
    const big = upstream.bls.file("pr.data.1.AllData")!
    expect(store.writes.filter((w) => w.key === "bls/pr/pr.data.1.AllData")).toEqual([
      { operation: "put", key: "bls/pr/pr.data.1.AllData", size: big.bytes.byteLength }
    ])
    const state = JSON.parse(new TextDecoder().decode(await storedBytes(store, STATE_KEY)))
    expect(state.files["pr.data.1.AllData"]).toMatchObject({ sha256: bytesToHex(sha256(big.bytes)), size: big.bytes.byteLength })
  })

  it("store nothing when a new date brings the same bytes", async () => {
    const store = makeMemoryStore()
    valueOf(await sync(store, { streamAboveBytes: 1_000 }))
    store.clearWrites()
    // A new date and ETag: the source sends the whole body again.
    upstream.bls.touch("pr.data.1.AllData")
    const summary = valueOf(await sync(store, { streamAboveBytes: 1_000 }))
    expect(summary).toMatchObject({ updated: 0, unchanged: upstream.bls.files().length })
    expect(store.writes).toEqual([stateWrite])
  })

  it("are fetched again when the store's upload failed transiently (S3's 503 SlowDown), and stored whole", async () => {
    const memory = makeMemoryStore()
    let throttled: string | undefined
    const store: MemoryStore = Object.assign(Object.create(memory) as MemoryStore, {
      put: (key: string, body: Body, options?: PutOptions) => {
        if (!(body instanceof ReadableStream) || throttled !== undefined) return memory.put(key, body, options)
        throttled = key
        const detail = "SlowDown (HTTP 503): Please reduce your request rate."
        return Effect.andThen(
          Effect.promise(() => body.cancel()),
          Effect.fail(new StoreError({ operation: "put", key, location: memory.location, detail, transient: true }))
        )
      }
    })
    const { exit, logs } = await runWithLogs(syncMirror(options({ streamAboveBytes: 1_000 })), store)
    valueOf(exit)
    const name = throttled!.slice("bls/pr/".length)
    expect(upstream.log.count({ path: name })).toBe(2)
    for (const file of upstream.bls.files()) expect(await storedBytes(memory, `bls/pr/${file.name}`)).toEqual(file.bytes)
    const retry = logs.map((line) => line.message[0] as Record<string, unknown>).find((record) => record["event"] === "source.retry")
    expect(retry?.["reason"]).toBe("the upload to the store failed (SlowDown (HTTP 503): Please reduce your request rate.)")
  })

  it("leave the previous copy in place when the stream breaks for good", async () => {
    const store = await mirrored()
    const previous = upstream.bls.file("pr.data.1.AllData")!.bytes
    upstream.bls.put("pr.data.1.AllData", new Uint8Array(5_000).fill(65))
    upstream.failNext("pr.data.1.AllData", Array.from({ length: 4 }, () => dropMidBody(2_000)))
    const error = failureOf(await sync(store, { streamAboveBytes: 1_000 }))
    expect(error._tag).toBe("SyncIncomplete")
    expect(await storedBytes(store, "bls/pr/pr.data.1.AllData")).toEqual(previous)
    expect(store.writes).toEqual([])
  })
})
