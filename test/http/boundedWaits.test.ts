/**
 * No wait is unbounded: a body or a listing that stops arriving, or a transfer that never
 * ends, is given up on within its bound and retried like a dropped connection — and every
 * retry is logged at WARN with its attempt, reason and wait. The bounds and the backoff
 * run on Effect's TestClock; the run's summary reports its duration on that clock.
 */
import { sha256 } from "@noble/hashes/sha2.js"
import { bytesToHex } from "@noble/hashes/utils.js"
import * as Effect from "effect/Effect"
import * as TestClock from "effect/testing/TestClock"
import { afterEach, describe, expect, it } from "vitest"
import { defaultSyncOptions, syncMirror } from "../../domain/bls/syncMirror.ts"
import { boundedResponse } from "../../domain/http/boundedWaits.ts"
import type { SourcePolicy } from "../../domain/http/SourceHttp.ts"
import { getBytes, ObjectStore } from "../../domain/store/ObjectStore.ts"
import { makeMemoryStore, type MemoryStore } from "../support/memoryStore.ts"
import { failureOf, valueOf } from "../support/pipelineLayer.ts"
import { runOnTestClock } from "../support/upstream/clocked.ts"
import { createUpstream, delay, stall, trickle } from "../support/upstream/index.ts"

const upstream = createUpstream()
afterEach(() => upstream.reset())
const DATA = "pr.data.0.Current"

const sync = (store: MemoryStore, policy: Partial<SourcePolicy> = {}) =>
  runOnTestClock(syncMirror({ ...defaultSyncOptions, baseUrl: upstream.bls.baseUrl }), { upstream, store, policy, stepMs: 10 })

const digestOf = async (store: MemoryStore, key: string) => {
  const found = await Effect.runPromise(getBytes(key).pipe(Effect.provideService(ObjectStore, store)))
  return found === undefined ? undefined : bytesToHex(sha256(found.bytes))
}

const retries = (logs: Awaited<ReturnType<typeof sync>>["logs"]) =>
  logs.filter((line) => line.level === "Warn").map((line) => line.message[0] as Record<string, unknown>)
    .filter((record) => record["event"] === "source.retry")

describe("a body that stops arriving", () => {
  it("is given up on after the idle timeout and retried; the stored file is whole", async () => {
    upstream.failNext(DATA, [stall(100_000)])
    const store = makeMemoryStore()
    const { exit, logs } = await sync(store, { timeoutMs: 400 })

    const { durationMs } = valueOf(exit)
    expect(upstream.log.entries({ path: DATA }).map((e) => e.fault)).toEqual(["stall", undefined])
    expect(await digestOf(store, `bls/pr/${DATA}`)).toBe(bytesToHex(sha256(upstream.bls.file(DATA)!.bytes)))
    expect(store.writes.filter((w) => w.key === `bls/pr/${DATA}`)).toHaveLength(1)
    // Detected after the idle bound, not after Node's 5-minute body timeout.
    expect(durationMs).toBeGreaterThanOrEqual(400)
    expect(durationMs).toBeLessThan(10_000)
    const [retry] = retries(logs)
    expect(retry).toMatchObject({
      url: `${upstream.bls.baseUrl}${DATA}`,
      attempt: 1,
      of: 4,
      reason: "the body stalled: no data for 0.4 s"
    })
    expect(retry?.["waitMs"]).toEqual(expect.any(Number))
  })

  it("fails the file with the reason once every attempt stalled, keeping the previous copy", async () => {
    const store = makeMemoryStore()
    valueOf((await sync(store)).exit)
    const previous = await digestOf(store, `bls/pr/${DATA}`)
    upstream.bls.touch(DATA)
    upstream.bls.put(DATA, "series_id\tyear\tperiod\tvalue\n".repeat(4_000))
    upstream.failNext(DATA, Array.from({ length: 4 }, () => stall(1_000)))
    store.clearWrites()

    const { exit, logs } = await sync(store, { timeoutMs: 200 })
    const error = failureOf(exit)
    expect(error._tag).toBe("SyncIncomplete")
    expect(error.message).toMatch(/pr\.data\.0\.Current: .*4 attempts \(last: the body stalled: no data for 0\.2 s\)/)
    expect(retries(logs).map((r) => `${r["attempt"]} of ${r["of"]}`)).toEqual(["1 of 4", "2 of 4", "3 of 4"])
    expect(await digestOf(store, `bls/pr/${DATA}`)).toBe(previous)
    expect(store.writes).toEqual([])
  })
})

describe("a listing that stalls", () => {
  it("is retried after the idle timeout", async () => {
    upstream.failNext(upstream.bls.baseUrl, [stall(300)])
    const { exit, logs } = await sync(makeMemoryStore(), { timeoutMs: 300 })
    expect(valueOf(exit).added).toBe(upstream.bls.files().length)
    expect(upstream.log.entries({ route: "bls-listing" }).map((e) => e.fault)).toEqual(["stall", undefined])
    expect(retries(logs)[0]?.["reason"]).toBe("the body stalled: no data for 0.3 s")
  })

  it("is retried when its headers never come", async () => {
    upstream.failNext(upstream.bls.baseUrl, [delay(60_000)])
    const { exit, logs } = await sync(makeMemoryStore(), { timeoutMs: 300 })
    valueOf(exit)
    expect(retries(logs)[0]?.["reason"]).toMatch(/no response headers within 0\.3 s/)
  })
})

describe("a transfer that never idles but never ends", () => {
  it("is cut at the transfer deadline and retried", async () => {
    // 64 KiB every 50 ms of real time: always within the idle bound (the test's clock moves
    // at most 10 ms per real ms), yet 25 chunks for the whole file.
    upstream.failNext(DATA, [trickle(64 * 1024, 50)])
    const store = makeMemoryStore()
    const { exit, logs } = await sync(store, { timeoutMs: 1_000, transferTimeoutMs: 600 })
    expect(valueOf(exit).durationMs).toBeGreaterThanOrEqual(600)
    expect(retries(logs)[0]?.["reason"]).toBe("the transfer took longer than 0.6 s")
    expect(await digestOf(store, `bls/pr/${DATA}`)).toBe(bytesToHex(sha256(upstream.bls.file(DATA)!.bytes)))
  })
})

describe("the idle bound", () => {
  it("counts the time a read waits for data, not the time the consumer spends elsewhere", async () => {
    const url = `${upstream.bls.baseUrl}${DATA}`
    const chunks = [new Uint8Array(3), new Uint8Array(2), new Uint8Array(1)]
    // Every chunk is there the moment it is asked for.
    const ready = new ReadableStream<Uint8Array>({
      start(controller) {
        for (const chunk of chunks) controller.enqueue(chunk)
        controller.close()
      }
    })
    const program = Effect.gen(function*() {
      const sent = Effect.succeed({ url, status: 200, headers: new Headers(), body: ready })
      const response = yield* boundedResponse(sent, url, { idleMs: 100, deadlineMs: 60_000 })
      const reader = response.body!.getReader()
      const sizes: Array<number> = []
      for (let read = yield* Effect.promise(() => reader.read()); !read.done; read = yield* Effect.promise(() => reader.read())) {
        sizes.push(read.value.byteLength)
        // The store is busy with the chunk for five times the idle bound.
        yield* TestClock.adjust(500)
      }
      return sizes
    })
    expect(await Effect.runPromise(Effect.provide(program, TestClock.layer()))).toEqual([3, 2, 1])
  })
})
