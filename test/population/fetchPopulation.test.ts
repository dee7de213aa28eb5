/** Fetching the population: what lands in the store, and what never does. */
import { readFileSync } from "node:fs"
import { sha256 } from "@noble/hashes/sha2.js"
import { bytesToHex } from "@noble/hashes/utils.js"
import * as Effect from "effect/Effect"
import { describe, expect, it } from "vitest"
import { fetchPopulation, type PopulationOptions } from "../../domain/population/fetchPopulation.ts"
import { POPULATION_KEY } from "../../domain/storeKeys.ts"
import { getBytes, ObjectStore } from "../../domain/store/ObjectStore.ts"
import { makeMemoryStore, type MemoryStore } from "../support/memoryStore.ts"
import { failureOf, runWith, valueOf } from "../support/pipelineLayer.ts"
import { dropMidBody, status } from "../support/upstream/index.ts"
import { useUpstream } from "../support/upstream/vitest.ts"

const upstream = useUpstream()
const fixture = (name: string) => readFileSync(new URL(`../fixtures/datausa/${name}`, import.meta.url))

const run = (store: MemoryStore, overrides: Partial<PopulationOptions> = {}) =>
  runWith(
    fetchPopulation({ url: upstream.population.url, key: POPULATION_KEY, dryRun: false, ...overrides }),
    store
  )

const stored = (store: MemoryStore) =>
  Effect.runPromise(getBytes(POPULATION_KEY).pipe(Effect.provideService(ObjectStore, store)))

describe("fetching the population", () => {
  it("stores the response exactly as fetched, with where and when it came from", async () => {
    const store = makeMemoryStore()
    const summary = valueOf(await run(store))
    const bytes = new Uint8Array(fixture("nation-population.tesseract.json"))

    const found = await stored(store)
    expect(found?.bytes).toEqual(bytes)
    expect(found?.object.contentType).toBe("application/json")
    expect(found?.object.metadata).toMatchObject({
      "source-url": upstream.population.url,
      "sha256": bytesToHex(sha256(bytes)),
      "rows": "11",
      "years": "2013-2024"
    })
    expect(Date.parse(found?.object.metadata["fetched-at"] ?? "")).not.toBeNaN()
    expect(summary).toMatchObject({ written: true, reason: "new", rows: 11, firstYear: 2013, lastYear: 2024 })
    expect(upstream.log.entries({ route: "population" })[0]?.userAgent).toMatch(/quest-tests@example\.com/)
  })

  it("accepts the retired /api/data shape", async () => {
    const store = makeMemoryStore()
    const summary = valueOf(await run(store, { url: upstream.population.legacyUrl }))
    expect(summary).toMatchObject({ rows: 7, firstYear: 2013, lastYear: 2019 })
    expect((await stored(store))?.bytes).toEqual(new Uint8Array(fixture("nation-population.legacy.json")))
  })

  it("does not rewrite an unchanged population, so the analytics are not triggered for nothing", async () => {
    const store = makeMemoryStore()
    valueOf(await run(store))
    store.clearWrites()
    expect(valueOf(await run(store))).toMatchObject({ written: false, reason: "unchanged" })
    expect(store.writes).toEqual([])
  })

  it("for the ingest, rewrites it when the BLS file it was written with is no longer the mirrored one", async () => {
    const store = makeMemoryStore()
    const withBls = (blsSha256: string | undefined) => run(store, { reportInputs: { blsSha256 } })
    expect(valueOf(await withBls("aaa"))).toMatchObject({ written: true, reason: "new" })
    expect((await stored(store))?.object.metadata["bls-sha256"]).toBe("aaa")
    store.clearWrites()
    expect(valueOf(await withBls("aaa"))).toMatchObject({ written: false, reason: "unchanged" })
    expect(store.writes).toEqual([])
    expect(valueOf(await withBls("bbb"))).toMatchObject({ written: true, reason: "rewritten: BLS data changed" })
    expect((await stored(store))?.object.metadata["bls-sha256"]).toBe("bbb")
  })

  it("for the ingest, holds it back while the store has no BLS data to report on", async () => {
    const store = makeMemoryStore()
    expect(valueOf(await run(store, { reportInputs: { blsSha256: undefined } })))
      .toMatchObject({ written: false, reason: "held: no BLS data to report on yet", rows: 11 })
    expect(store.writes).toEqual([])
  })

  it("retries a server error and a dropped body under the same policy as the sync", async () => {
    upstream.failNext(upstream.population.url, [status(503), dropMidBody(100)])
    const store = makeMemoryStore()
    valueOf(await run(store))
    expect(upstream.log.entries({ route: "population" }).map((e) => e.status)).toEqual([503, 200, 200])
    expect((await stored(store))?.bytes).toEqual(new Uint8Array(fixture("nation-population.tesseract.json")))
  })

  it("writes nothing on a dry run", async () => {
    const store = makeMemoryStore()
    expect(valueOf(await run(store, { dryRun: true }))).toMatchObject({ written: false, reason: "dry run" })
    expect(store.writes).toEqual([])
  })

  const rejections: ReadonlyArray<[string, string | object, string]> = [
    ["not JSON", "<html>Service Unavailable</html>", "PopulationInvalid"],
    ["the wrong shape", { rows: [] }, "PopulationInvalid"],
    ["no rows", { data: [] }, "PopulationInvalid"],
    [
      "a table without the years the reports need",
      { data: [{ "Nation ID": "01000US", "Nation": "United States", "Year": 2023, "Population": 334914896 }] },
      "PopulationYearsMissing"
    ]
  ]
  for (const [what, body, tag] of rejections) {
    it(`refuses ${what} and keeps the previous file`, async () => {
      const store = makeMemoryStore()
      valueOf(await run(store))
      const before = await stored(store)
      store.clearWrites()
      upstream.population.setBody("tesseract", body)

      const error = failureOf(await run(store))
      expect(error._tag).toBe(tag)
      expect(error.message.length).toBeGreaterThan(20)
      expect(store.writes).toEqual([])
      expect((await stored(store))?.bytes).toEqual(before?.bytes)
    })
  }
})
