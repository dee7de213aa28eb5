/** The daily ingest: both steps, and when the population is (re)written. */
import * as Effect from "effect/Effect"
import { describe, expect, it } from "vitest"
import { ingest } from "../domain/ingest.ts"
import type { Settings } from "../domain/settings.ts"
import { makeMemoryStore } from "./support/memoryStore.ts"
import { failureOf, runWith, valueOf } from "./support/pipelineLayer.ts"
import { populationFixture } from "./support/upstream/fixtureData.ts"
import { status } from "./support/upstream/index.ts"
import { useUpstream } from "./support/upstream/vitest.ts"

const upstream = useUpstream()

const settings = (): Settings => ({
  store: "memory://test",
  contact: "quest-tests@example.com",
  surveys: ["pr"],
  blsRootUrl: "https://unused.example/",
  blsBaseUrl: upstream.bls.baseUrl,
  populationUrl: upstream.population.url,
  requestsPerSecond: 1000,
  concurrency: 4,
  maxDeleteShare: 0.5,
  maxRetries: 3,
  retryBaseMs: 5,
  timeoutMs: 5000,
  transferTimeoutMs: 60_000,
  maxReportDropShare: 0.5
})

describe("the ingest of several surveys", () => {
  const surveys = (): Settings => ({ ...settings(), surveys: ["pr", "cu"], blsRootUrl: upstream.blsRootUrl, blsBaseUrl: undefined })

  it("mirrors each survey under its own prefix and fetches the population once", async () => {
    const store = makeMemoryStore()
    const summary = valueOf(await runWith(ingest(surveys()), store))
    expect(summary.sync.surveys.map((outcome) => [outcome.survey, outcome.ok])).toEqual([["pr", true], ["cu", true]])
    const keys = (await Effect.runPromise(store.list("bls/"))).map((object) => object.key)
    expect(keys).toEqual([
      ...upstream.cu.files().map((file) => `bls/cu/${file.name}`),
      ...upstream.bls.files().map((file) => `bls/pr/${file.name}`)
    ])
    expect(upstream.log.count({ route: "population" })).toBe(1)
    expect(summary.population).toMatchObject({ written: true })
  })

  it("fails for the survey that failed, naming it, while the other survey and the population are stored", async () => {
    upstream.cu.setListing({ html: "<html><body><p>Back soon.</p></body></html>" })
    const store = makeMemoryStore()
    const error = failureOf(await runWith(ingest(surveys()), store))
    expect(error.message).toMatch(/^BLS sync of cu: /)
    expect(error.message).not.toMatch(/BLS sync of pr/)
    expect((await Effect.runPromise(store.list("bls/pr/"))).length).toBe(upstream.bls.files().length)
    expect(await Effect.runPromise(store.head("population/population.json"))).toBeDefined()
  })
})

describe("the ingest", () => {
  it("mirrors BLS and stores the population on a first run", async () => {
    const store = makeMemoryStore()
    const summary = valueOf(await runWith(ingest(settings()), store))
    expect(summary.sync.total.added).toBe(upstream.bls.files().length)
    expect(summary.population).toMatchObject({ written: true, reason: "new" })
  })

  const currentData = () => upstream.bls.file("pr.data.0.Current")!.bytes
  const changedData = () => new TextDecoder().decode(currentData()).replace("\t         2.6\t", "\t         2.7\t")

  it("rewrites an unchanged population when the BLS file the reports read changed, and only then", async () => {
    const store = makeMemoryStore()
    valueOf(await runWith(ingest(settings()), store))

    upstream.bls.put("pr.series", "series_id\nPRS1\n")
    const otherFile = valueOf(await runWith(ingest(settings()), store))
    expect(otherFile.sync.total.updated).toBe(1)
    expect(otherFile.population).toMatchObject({ written: false, reason: "unchanged" })

    upstream.bls.put("pr.data.0.Current", changedData())
    const dataFile = valueOf(await runWith(ingest(settings()), store))
    expect(dataFile.population).toMatchObject({ written: true, reason: "rewritten: BLS data changed" })
  })

  it("catches up on a run whose population step failed after the mirror changed", async () => {
    const store = makeMemoryStore()
    valueOf(await runWith(ingest(settings()), store))
    upstream.bls.put("pr.data.0.Current", changedData())
    // The test policy (pipelineLayer) allows 3 retries.
    upstream.failNext(upstream.population.url, Array.from({ length: 4 }, () => status(503)))
    expect(failureOf(await runWith(ingest(settings()), store)).message).toMatch(/^population: /)

    const next = valueOf(await runWith(ingest(settings()), store))
    expect(next.sync.total).toMatchObject({ added: 0, updated: 0, deleted: 0 })
    expect(next.population).toMatchObject({ written: true, reason: "rewritten: BLS data changed" })
  })

  it("still fetches the population when the sync fails, then reports the sync's failure", async () => {
    const store = makeMemoryStore()
    valueOf(await runWith(ingest(settings()), store))
    // DataUSA revised a figure: the population changed, whatever the sync does.
    upstream.population.setBody("tesseract", new TextDecoder().decode(populationFixture()).replace("340110990.0", "340110991.0"))
    store.clearWrites()
    upstream.failNext(upstream.bls.baseUrl, Array.from({ length: 4 }, () => status(503)))
    const error = failureOf(await runWith(ingest(settings()), store))
    expect(error._tag).toBe("IngestFailed")
    expect(error.message).toMatch(/^BLS sync: .*kept failing after 4 attempts/)
    expect(store.writes.map((w) => w.key)).toEqual(["population/population.json"])
  })

  it("holds the population back on a first run whose sync failed: there is nothing to report on", async () => {
    upstream.failNext(upstream.bls.baseUrl, Array.from({ length: 4 }, () => status(503)))
    const store = makeMemoryStore()
    expect(failureOf(await runWith(ingest(settings()), store))._tag).toBe("IngestFailed")
    expect(store.writes).toEqual([])
  })
})
