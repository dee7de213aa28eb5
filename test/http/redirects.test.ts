/**
 * Requests go where the user pointed them: a redirect is followed only within the
 * configured origin; one to another host is refused, not retried, and nothing from it is
 * stored.
 */
import * as Effect from "effect/Effect"
import { describe, expect, it } from "vitest"
import { defaultSyncOptions, syncMirror } from "../../domain/bls/syncMirror.ts"
import { getBytes, ObjectStore } from "../../domain/store/ObjectStore.ts"
import { makeMemoryStore, type MemoryStore } from "../support/memoryStore.ts"
import { failureOf, runWith, valueOf } from "../support/pipelineLayer.ts"
import { redirect } from "../support/upstream/index.ts"
import { useUpstream } from "../support/upstream/vitest.ts"

const upstream = useUpstream()
const sync = (store: MemoryStore) => runWith(syncMirror({ ...defaultSyncOptions, baseUrl: upstream.bls.baseUrl }), store)
const stored = async (store: MemoryStore, key: string) =>
  (await Effect.runPromise(getBytes(key).pipe(Effect.provideService(ObjectStore, store))))?.bytes

describe("a redirect", () => {
  it("within the configured origin is followed", async () => {
    upstream.failNext("pr.class", [redirect(`${upstream.bls.baseUrl}pr.class?moved=1`, 301)])
    const store = makeMemoryStore()
    valueOf(await sync(store))
    expect(upstream.log.entries({ path: "pr.class" }).map((e) => [e.status, new URL(e.url).search])).toEqual([
      [301, ""],
      [200, "?moved=1"]
    ])
    expect(await stored(store, "bls/pr/pr.class")).toEqual(upstream.bls.file("pr.class")!.bytes)
  })

  it("to another host is refused with a clear error, never followed, and stores nothing", async () => {
    upstream.failNext("pr.class", [redirect("https://mirror.example.net/pr.class")])
    const store = makeMemoryStore()
    const error = failureOf(await sync(store))
    expect(error._tag).toBe("SyncIncomplete")
    expect(error.message).toContain(
      "pr.class: https://download.bls.gov/pub/time.series/pr/pr.class redirected to https://mirror.example.net/pr.class, " +
        "which leaves https://download.bls.gov. Nothing was stored from it"
    )
    // Asked once: a refusal is not retried, and the other host never heard from us.
    expect(upstream.log.entries({ path: "pr.class" })).toHaveLength(1)
    expect(upstream.log.entries().every((e) => new URL(e.url).host === "download.bls.gov")).toBe(true)
    expect(await Effect.runPromise(store.head("bls/pr/pr.class"))).toBeUndefined()
  })

  it("to another scheme or port of the same host is refused too", async () => {
    upstream.failNext(upstream.bls.baseUrl, [redirect("http://download.bls.gov/pub/time.series/pr/")])
    const error = failureOf(await sync(makeMemoryStore()))
    expect(error._tag).toBe("SourceRedirectRefused")
    expect(error.message).toMatch(/leaves https:\/\/download\.bls\.gov/)
  })

  it("that loops is given up after five hops", async () => {
    const self = `${upstream.bls.baseUrl}pr.class`
    upstream.failNext("pr.class", Array.from({ length: 10 }, () => redirect(self)))
    const error = failureOf(await sync(makeMemoryStore()))
    expect(error.message).toMatch(/redirected to .*pr\.class, which is more than 5 redirects from/)
    expect(upstream.log.entries({ path: "pr.class" })).toHaveLength(6)
  })
})
