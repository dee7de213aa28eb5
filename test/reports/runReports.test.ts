/** The report run against a store: what it writes, that it rewrites the same bytes, and its refusals. */
import { createHash } from "node:crypto"
import * as Effect from "effect/Effect"
import { describe, expect, it } from "vitest"
import { StreamingSha256 } from "../../domain/bytes/streamingSha256.ts"
import { runReports } from "../../domain/reports/runReports.ts"
import { BLS_DATA_KEY, POPULATION_KEY } from "../../domain/storeKeys.ts"
import { failureOf, valueOf } from "../support/pipelineLayer.ts"
import { blsFile, blsFixture, row } from "./blsStreams.ts"
import type { MemoryStore } from "../support/memoryStore.ts"
import { documentOf, logged, objectsUnder, populationFixture, reportsAt, seededStore } from "./reportStore.ts"

const FILES = [
  "best-year-by-series.csv",
  "population-stats.csv",
  "prs30006032-q01.csv",
  "report.html",
  "report.json",
  "report.md",
  "series-without-quarters.csv"
]
const sha256 = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex")

/** The fixture cut off after `share` of its text, at a line end: still valid rows, fewer of them. */
const fixtureCut = (share: number) => {
  const text = new TextDecoder().decode(blsFixture)
  return text.slice(0, text.indexOf("\n", Math.floor(text.length * share)) + 1)
}

/** The reports after the mirrored file lost two thirds of its rows, against the last ones stored. */
const reportsOnAThird = async (store: MemoryStore) => {
  await Effect.runPromise(store.put(BLS_DATA_KEY, fixtureCut(1 / 3)))
  store.clearWrites()
  return reportsAt(store, "2026-06-06T10:00:00Z")
}

describe("running the reports", () => {
  it("stores the files under the run's date and under latest/, report.json equal to the document", async () => {
    const store = await seededStore()
    const doc = await documentOf(store, "2026-06-05T23:59:59Z")
    const stored = await objectsUnder(store, "reports/")
    expect(Object.keys(stored)).toEqual([
      ...FILES.map((name) => `reports/2026-06-05/${name}`),
      ...FILES.map((name) => `reports/latest/${name}`)
    ])
    expect(JSON.parse(stored["reports/latest/report.json"]!)).toEqual(JSON.parse(JSON.stringify(doc)))
    expect(stored["reports/2026-06-05/report.json"]).toBe(stored["reports/latest/report.json"])
    // report.json is written last, in both folders (the other files go side by side), so a
    // reader that sees it finds the other files already there.
    expect(store.writes.slice(-2).map((write) => write.key)).toEqual(["reports/2026-06-05/report.json", "reports/latest/report.json"])
  })

  it("stores report.json in each folder only after every other file there, however long those take", async () => {
    const store = await seededStore()
    // Every other file takes a while to store, report.json no time at all: a run that did
    // not wait for the others would have it stored first.
    const slowly = (key: string) =>
      key.endsWith("/report.json") ? Effect.void : Effect.forEach(Array.from({ length: 50 }), () => Effect.yieldNow, { discard: true })
    const slow: MemoryStore = {
      ...store,
      put: (key, body, options) => Effect.andThen(slowly(key), store.put(key, body, options)),
      copy: (from, to, options) => Effect.andThen(slowly(to), store.copy(from, to, options))
    }
    await documentOf(slow, "2026-06-05T12:00:00Z")
    for (const folder of ["reports/2026-06-05/", "reports/latest/"]) {
      const keys = store.writes.map((write) => write.key).filter((key) => key.startsWith(folder))
      expect(keys).toHaveLength(FILES.length)
      expect(keys.at(-1)).toBe(`${folder}report.json`)
    }
  })

  it("keys report.json in camelCase throughout, in the documented order, one row a line", async () => {
    const store = await seededStore()
    await documentOf(store)
    const text = (await objectsUnder(store, "reports/latest/"))["reports/latest/report.json"]!
    const doc = JSON.parse(text)
    const keysOf = (value: object) => Object.keys(value)
    expect(keysOf(doc)).toEqual(["populationStats", "bestYearBySeries", "seriesWithoutQuarters", "prs30006032Q01", "inputs"])
    expect(keysOf(doc.populationStats)).toEqual(["years", "mean", "stddevSample", "stddevPopulation"])
    expect(keysOf(doc.inputs.bls)).toEqual(["key", "sha256", "rows", "rejected"])
    expect(keysOf(doc.inputs.population)).toEqual(["key", "sha256", "years"])
    for (const best of doc.bestYearBySeries) expect(keysOf(best)).toEqual(["seriesId", "year", "sumQ01Q04"])
    for (const row of doc.prs30006032Q01) expect(keysOf(row)).toEqual(["seriesId", "year", "period", "value", "population"])
    // Every key anywhere in the document, nested ones included, is camelCase.
    const allKeys = [...text.matchAll(/"([^"]+)":/g)].map((match) => match[1]!)
    expect(allKeys.filter((key) => !/^[a-z][a-zA-Z0-9]*$/.test(key))).toEqual([])
    expect(text).toContain(`\n    {"seriesId":"PRS30006011","year":2022,"sumQ01Q04":16.4},\n`)
    expect(text).toContain(`\n    {"seriesId":"PRS30006032","year":2018,"period":"Q01","value":0.5,"population":327167439}`)
  })

  it("records which inputs it read: keys, sha256 of the bytes, rows and years", async () => {
    const store = await seededStore()
    const doc = await documentOf(store)
    expect(doc.inputs).toEqual({
      bls: { key: BLS_DATA_KEY, sha256: sha256(blsFixture), rows: 38232, rejected: 0 },
      population: { key: POPULATION_KEY, sha256: sha256(populationFixture("tesseract")), years: 11 }
    })
    const head = await Effect.runPromise(store.head("reports/latest/report.json"))
    expect(head?.metadata).toEqual({
      "bls-sha256": sha256(blsFixture),
      "population-sha256": doc.inputs.population.sha256,
      "bls-rows": "38232",
      "bls-series": "282"
    })
    expect(head?.contentType).toBe("application/json")
  })

  it("rewrites byte-identical objects when run again on the same inputs, even another day", async () => {
    const store = await seededStore()
    await documentOf(store, "2026-06-05T10:00:00Z")
    const first = await objectsUnder(store, "reports/")
    await documentOf(store, "2026-06-05T18:00:00Z")
    expect(await objectsUnder(store, "reports/")).toEqual(first)
    await documentOf(store, "2026-06-06T01:00:00Z")
    const later = await objectsUnder(store, "reports/2026-06-06/")
    for (const name of FILES) expect(later[`reports/2026-06-06/${name}`]).toBe(first[`reports/2026-06-05/${name}`])
  })

  it("takes its date from the options when given", async () => {
    const store = await seededStore()
    valueOf(await reportsAt(store, "2026-06-05T10:00:00Z", runReports({ now: new Date("2030-01-02T00:00:00Z") })))
    expect(Object.keys(await objectsUnder(store, "reports/2030-01-02/"))).toHaveLength(FILES.length)
  })

  it("shows people the first 10,000 rows of a larger table and says so; the CSVs and report.json keep every row", async () => {
    // 12,000 series: copies of the fixture's series with new ids, as a larger survey would have.
    const lines = new TextDecoder().decode(blsFixture).split("\n")
    const rows = lines.slice(1).filter((line) => line.startsWith("PRS30006011 "))
    const copies = Array.from({ length: 12_000 }, (_, k) =>
      rows.map((line) => line.replace("PRS30006011 ", `PRX${String(k).padStart(8, "0")}`)).join("\n"))
    const store = await seededStore({ bls: [lines[0], ...copies, ""].join("\n") })
    const doc = await documentOf(store)
    expect(doc.bestYearBySeries.length).toBe(12_000)
    const stored = await objectsUnder(store, "reports/latest/")
    const note = "the first 10,000 of 12,000 rows; best-year-by-series.csv has every row"
    const markdown = stored["reports/latest/report.md"]!
    expect(markdown.match(/^\| PRX\d{8} \| /gm)).toHaveLength(10_000)
    expect(markdown).toContain(`_Shown: ${note}._`)
    const html = stored["reports/latest/report.html"]!
    expect(html.match(/<tr><td>PRX\d{8}<\/td>/g)).toHaveLength(10_000)
    expect(html).toContain(`10,000</span> of 12,000 rows shown (${note})`)
    expect(stored["reports/latest/best-year-by-series.csv"]!.trimEnd().split("\n")).toHaveLength(12_001)
    expect(JSON.parse(stored["reports/latest/report.json"]!).bestYearBySeries).toHaveLength(12_000)
  })

  it("stores the CSVs with exact figures and the Markdown with the three tables", async () => {
    const store = await seededStore()
    const doc = await documentOf(store)
    const stored = await objectsUnder(store, "reports/latest/")
    const csv = stored["reports/latest/best-year-by-series.csv"]!.trimEnd().split("\n").map((line) => line.split(","))
    expect(csv[0]).toEqual(["series_id", "year", "sum_q01_q04"])
    expect(csv.slice(1)).toEqual(doc.bestYearBySeries.map((b) => [b.seriesId, String(b.year), String(b.sumQ01Q04)]))
    expect(csv).toContainEqual(["PRS30006011", "2022", "16.4"])
    const joined = stored["reports/latest/prs30006032-q01.csv"]!.split("\n")
    expect(joined[0]).toBe("series_id,year,period,value,population")
    expect(joined).toContain("PRS30006032,2018,Q01,0.5,327167439")
    expect(joined).toContain("PRS30006032,1995,Q01,0,")
    const markdown = stored["reports/latest/report.md"]!
    expect(markdown.match(/^\| series_id \| year \| sum_q01_q04 \|$/m)).not.toBeNull()
    expect(markdown).toContain("| 2013 | 2018 | 6 | 322,069,808.00 | 4,158,441.04 | 3,796,119.94 |")
    // The statistics CSV gives the year range as two fields.
    expect(stored["reports/latest/population-stats.csv"]!.split("\n").slice(0, 2)).toEqual([
      "year_from,year_to,year_count,mean,stddev_sample,stddev_population",
      `2013,2018,6,${doc.populationStats.mean},${doc.populationStats.stddevSample},${doc.populationStats.stddevPopulation}`
    ])
    expect(markdown).toContain("| PRS30006032 | 2018 | Q01 | 0.5 | 327,167,439 |")
  })

  it("hashes an unrecorded BLS file with the streaming sha256 it is given", async () => {
    const store = await seededStore()
    const nodeHasher = {
      sha256: () =>
        Effect.sync(() => {
          const hash = createHash("sha256")
          return { update: (chunk: Uint8Array) => void hash.update(chunk), digestHex: () => "node:" + hash.digest("hex") }
        })
    }
    const exit = await reportsAt(store, undefined, runReports().pipe(Effect.provideService(StreamingSha256, nodeHasher)))
    expect(valueOf(exit).inputs.bls.sha256).toBe("node:" + sha256(blsFixture))
  })

  it("names the sha256 the mirror recorded with the BLS file instead of hashing it again", async () => {
    const store = await seededStore()
    const recorded = "0".repeat(64) // not the bytes' hash: proves the record is what is reported
    await Effect.runPromise(store.copy(BLS_DATA_KEY, BLS_DATA_KEY, { metadata: { sha256: recorded } }))
    let hashed = 0
    const countingHasher = {
      sha256: () =>
        Effect.sync(() => {
          const hash = createHash("sha256")
          return {
            update: (chunk: Uint8Array) => void (hashed += chunk.byteLength, hash.update(chunk)),
            digestHex: () => hash.digest("hex")
          }
        })
    }
    const exit = await reportsAt(store, undefined, runReports().pipe(Effect.provideService(StreamingSha256, countingHasher)))
    expect(valueOf(exit).inputs.bls.sha256).toBe(recorded)
    // Only the population went through the hasher, not one byte of the BLS file.
    const population = populationFixture("tesseract")
    expect(hashed).toBe(population.byteLength)
    expect(valueOf(exit).inputs.population.sha256).toBe(sha256(population))
  })

  it("counts malformed BLS lines in the document and still reports", async () => {
    const bls = blsFile([
      row("PRS30006032", 2018, "Q01", "0.5"),
      "PRS30006032\tnot a row",
      row("PRS30006032", 2018, "Q02", "x")
    ], "\r\n")
    const doc = await documentOf(await seededStore({ bls }))
    expect(doc.inputs.bls).toMatchObject({ rows: 1, rejected: 2 })
    expect(logged).toContain(`WARN ${BLS_DATA_KEY}: 2 lines are not BLS rows and were left out`)
    expect(doc.prs30006032Q01).toEqual([
      { seriesId: "PRS30006032", year: 2018, period: "Q01", value: 0.5, population: 327167439 }
    ])
  })

  describe("refuses, writing nothing,", () => {
    it("when inputs are missing, naming each key and the command that produces it", async () => {
      const empty = await seededStore({ bls: null, population: null })
      const error = failureOf(await reportsAt(empty))
      expect(error).toMatchObject({
        _tag: "ReportInputsMissing",
        missing: [{ key: BLS_DATA_KEY, command: "quest sync" }, { key: POPULATION_KEY, command: "quest population" }]
      })
      expect(error.message).toContain("`quest sync` and `quest population`")
      expect(empty.writes).toEqual([])

      const noPopulation = await seededStore({ population: null })
      const only = failureOf(await reportsAt(noPopulation))
      expect(only.message).toContain(POPULATION_KEY)
      expect(only.message).not.toContain(BLS_DATA_KEY)
      expect(noPopulation.writes).toEqual([])
    })

    it("when the stored population cannot be read", async () => {
      const store = await seededStore({ population: "<html>oops</html>" })
      const error = failureOf(await reportsAt(store))
      expect(error._tag).toBe("StoredPopulationInvalid")
      expect(error.message).toContain(POPULATION_KEY)
      expect(error.message).toMatch(/not JSON/)
      expect(store.writes).toEqual([])
    })

    it("when the population lacks a year of 2013–2018", async () => {
      const without2014 = JSON.stringify({
        data: [2013, 2015, 2016, 2017, 2018].map((year) => ({ "Nation ID": "01000US", Year: year, Population: 1 }))
      })
      const store = await seededStore({ population: without2014 })
      expect(failureOf(await reportsAt(store))).toMatchObject({ _tag: "PopulationYearsMissing", missing: [2014] })
      expect(store.writes).toEqual([])
    })

    it("when the BLS file is not a BLS data file", async () => {
      const store = await seededStore({ bls: "<html>moved</html>\n" })
      expect(failureOf(await reportsAt(store))._tag).toBe("BlsHeaderInvalid")
      expect(store.writes).toEqual([])
    })

    it("when the BLS file holds only its header, or no valid row, keeping the last reports", async () => {
      for (const bls of [blsFile([]), blsFile(["PRS30006032\tnot a row", "garbage"])]) {
        const store = await seededStore()
        await documentOf(store)
        const before = await objectsUnder(store, "reports/")
        await Effect.runPromise(store.put(BLS_DATA_KEY, bls))
        store.clearWrites()
        const error = failureOf(await reportsAt(store, "2026-06-06T10:00:00Z"))
        expect(error._tag).toBe("ReportInputRefused")
        expect(error.message).toMatch(/^The reports were not computed from bls\/pr\/pr\.data\.0\.Current: it holds no valid BLS row \(\d line\(s\) rejected\)\. The previous reports are kept\./)
        expect(store.writes).toEqual([])
        expect(await objectsUnder(store, "reports/")).toEqual(before)
      }
    })

    it("when the rows fall by more than the allowed share against the last report, unless allowed", async () => {
      const store = await seededStore()
      await documentOf(store)
      const error = failureOf(await reportsOnAThird(store))
      expect(error.message).toMatch(/it holds \d+ rows in \d+ series, against 38232 rows in \d+ series behind the last stored report: more than 50% fewer/)
      expect(error.message).toContain("QUEST_MAX_REPORT_DROP_SHARE=1")
      expect(store.writes).toEqual([])

      const doc = valueOf(await reportsAt(store, "2026-06-06T10:00:00Z", runReports({ maxDropShare: 1 })))
      expect(doc.inputs.bls.rows).toBeLessThan(38232 / 2)
    })

    it("against the counts in the last report's metadata, without reading the report itself", async () => {
      const store = await seededStore()
      await documentOf(store)
      // The last report.json, emptied: only its metadata can still tell the guard what it held.
      const key = "reports/latest/report.json"
      const last = await Effect.runPromise(store.head(key))
      await Effect.runPromise(store.put(key, "{}", { contentType: "application/json", metadata: last!.metadata }))
      expect(failureOf(await reportsOnAThird(store)).message).toMatch(/against 38232 rows in 282 series behind the last stored report/)
    })

    it("but not a modest drop within the share", async () => {
      const store = await seededStore()
      await documentOf(store)
      await Effect.runPromise(store.put(BLS_DATA_KEY, fixtureCut(0.8)))
      valueOf(await reportsAt(store, "2026-06-06T10:00:00Z"))
    })
  })
})
