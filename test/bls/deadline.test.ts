/**
 * A run with a deadline (the ingest in Lambda): before the function would time out it
 * stops starting transfers, stops those in flight without storing anything partial,
 * deletes nothing, logs what it did and what is left, and fails so the alarm fires. The
 * next run finishes the rest. Time is Effect's TestClock: the run's clock starts at 0.
 */
import { sha256 } from "@noble/hashes/sha2.js"
import { bytesToHex } from "@noble/hashes/utils.js"
import * as Effect from "effect/Effect"
import { afterEach, describe, expect, it } from "vitest"
import { defaultSyncOptions, syncMirror, type SyncOptions } from "../../domain/bls/syncMirror.ts"
import { ingest } from "../../domain/ingest.ts"
import type { Settings } from "../../domain/settings.ts"
import { getBytes, ObjectStore } from "../../domain/store/ObjectStore.ts"
import { makeMemoryStore, type MemoryStore } from "../support/memoryStore.ts"
import { failureOf, valueOf } from "../support/pipelineLayer.ts"
import { runOnTestClock } from "../support/upstream/clocked.ts"
import { createUpstream, stall } from "../support/upstream/index.ts"

const upstream = createUpstream()
afterEach(() => upstream.reset())

/** Each file takes `fileMs` of the test's clock to answer; the listing answers at once. */
const sync = (store: MemoryStore, overrides: Partial<SyncOptions> = {}, fileMs = 0) =>
  runOnTestClock(syncMirror({ ...defaultSyncOptions, baseUrl: upstream.bls.baseUrl, ...overrides }), {
    upstream,
    store,
    latencyMs: (url) => (url.pathname.endsWith("/") ? 0 : fileMs),
    stepMs: 10
  })
const keys = async (store: MemoryStore) => (await Effect.runPromise(store.list("bls/pr/"))).map((o) => o.key.slice(7))
const digest = async (store: MemoryStore, name: string) => {
  const found = await Effect.runPromise(getBytes(`bls/pr/${name}`).pipe(Effect.provideService(ObjectStore, store)))
  return found === undefined ? undefined : bytesToHex(sha256(found.bytes))
}

describe("a sync that reaches its deadline", () => {
  it("stops starting transfers, keeps what it finished, names what is left, and fails", async () => {
    const names = upstream.bls.files().map((f) => f.name)
    // A second a file, one after another, and the deadline at 3.5 s: three files done, the
    // rest left. (Half a second of slack: the clock moves 10 ms per real millisecond at most.)
    const store = makeMemoryStore()
    const { exit, logs } = await sync(store, { concurrency: 1, stopAt: 3_500 }, 1_000)
    const error = failureOf(exit)

    expect(error._tag).toBe("DeadlineReached")
    const stored = await keys(store)
    expect(stored).toEqual(names.slice(0, 3))
    for (const name of stored) expect(await digest(store, name)).toBe(bytesToHex(sha256(upstream.bls.file(name)!.bytes)))
    expect(error.message).toContain(
      `The run's time ran out: 3 file(s) synced, ${names.length - 3} left for the next run (${names.slice(3, 6).join(", ")}, …).`
    )
    const summary = logs.find((line) => line.level === "Error")?.message[0] as Record<string, unknown>
    expect(summary).toMatchObject({ event: "bls-sync", outcome: "failed", added: 3, left: names.length - 3 })

    // The next run, with time enough, finishes the rest and asks only for what is left.
    upstream.log.clear()
    valueOf((await sync(store)).exit)
    expect(upstream.log.entries({ route: "bls-file" })).toHaveLength(names.length - 3)
    expect(await keys(store)).toEqual(names)
  })

  it("stops a transfer still running at the deadline and stores nothing of it", async () => {
    upstream.failNext("pr.data.0.Current", [stall(200_000)])
    const store = makeMemoryStore()
    const error = failureOf((await sync(store, { stopAt: 600 })).exit)
    expect(error._tag === "DeadlineReached" && error.left).toEqual(["pr.data.0.Current"])
    expect(await Effect.runPromise(store.head("bls/pr/pr.data.0.Current"))).toBeUndefined()
    expect(await keys(store)).toHaveLength(upstream.bls.files().length - 1)
  })

  it("deletes nothing, even what upstream removed", async () => {
    const store = makeMemoryStore()
    valueOf((await sync(store)).exit)
    upstream.bls.remove("pr.footnote")
    upstream.bls.touch("pr.series")
    failureOf((await sync(store, { stopAt: 300 }, 2_000)).exit)
    expect(await Effect.runPromise(store.head("bls/pr/pr.footnote"))).toBeDefined()
  })
})

describe("an ingest out of time", () => {
  it("leaves the population for the next run and says so", async () => {
    const settings: Settings = {
      store: "memory", contact: "quest-tests@example.com", surveys: ["pr"], blsRootUrl: "https://unused.example/",
      blsBaseUrl: upstream.bls.baseUrl,
      populationUrl: upstream.population.url, requestsPerSecond: 1000, concurrency: 4, maxDeleteShare: 0.5,
      maxRetries: 3, retryBaseMs: 5, timeoutMs: 5000, transferTimeoutMs: 60_000, maxReportDropShare: 0.5
    }
    const { exit } = await runOnTestClock(ingest(settings, { stopAt: -1 }), { upstream, store: makeMemoryStore(), stepMs: 10 })
    const error = failureOf(exit)
    expect(error.message).toMatch(/^BLS sync: The run's time ran out: 0 file\(s\) synced, 12 left .* population: not started: the run's time ran out; the next run does it\.$/)
    expect(upstream.log.count({ route: "population" })).toBe(0)
  })
})
