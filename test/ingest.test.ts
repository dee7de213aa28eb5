/** The daily ingest: both steps, and when the population is (re)written. */
import { describe, expect, it } from "vitest"
import { ingest } from "../domain/ingest.ts"
import type { Settings } from "../domain/settings.ts"
import { makeMemoryStore } from "./support/memoryStore.ts"
import { failureOf, runWith, valueOf } from "./support/pipelineLayer.ts"
import { status } from "./support/upstream/index.ts"
import { useUpstream } from "./support/upstream/vitest.ts"

const upstream = useUpstream()

const settings = (): Settings => ({
  store: "memory://test",
  contact: "quest-tests@example.com",
  blsBaseUrl: upstream.bls.baseUrl,
  populationUrl: upstream.population.url,
  requestsPerSecond: 1000,
  concurrency: 4,
  maxDeleteShare: 0.5,
  maxRetries: 3,
  retryBaseMs: 5,
  timeoutMs: 5000
})

describe("the ingest", () => {
  it("mirrors BLS and stores the population on a first run", async () => {
    const store = makeMemoryStore()
    const summary = valueOf(await runWith(ingest(settings()), store))
    expect(summary.sync.added).toBe(upstream.bls.files().length)
    expect(summary.population).toMatchObject({ written: true, reason: "new" })
  })

  it("rewrites an unchanged population when the mirror changed, and only then", async () => {
    const store = makeMemoryStore()
    valueOf(await runWith(ingest(settings()), store))

    const quiet = valueOf(await runWith(ingest(settings()), store))
    expect(quiet.population).toMatchObject({ written: false, reason: "unchanged" })

    upstream.bls.put("pr.series", "series_id\nPRS1\n")
    const changed = valueOf(await runWith(ingest(settings()), store))
    expect(changed.sync.updated).toBe(1)
    expect(changed.population).toMatchObject({ written: true, reason: "rewritten: inputs changed" })
  })

  it("still fetches the population when the sync fails, then reports the sync's failure", async () => {
    // The test policy (pipelineLayer) allows 3 retries.
    upstream.failNext(upstream.bls.baseUrl, Array.from({ length: 4 }, () => status(503)))
    const store = makeMemoryStore()
    const error = failureOf(await runWith(ingest(settings()), store))
    expect(error._tag).toBe("IngestFailed")
    expect(error.message).toMatch(/^BLS sync: .*kept failing after 4 attempts/)
    expect(store.writes.map((w) => w.key)).toEqual(["population/population.json"])
  })
})
