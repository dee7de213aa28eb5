/** Decoding DataUSA responses: both real shapes read alike, and every unusable one is named. */
import { readFileSync } from "node:fs"
import * as Effect from "effect/Effect"
import { describe, expect, it } from "vitest"
import { decodePopulation } from "../../domain/population/decodePopulation.ts"
import { failureOf } from "../support/pipelineLayer.ts"

const fixture = (name: string) => new Uint8Array(readFileSync(new URL(`../fixtures/datausa/${name}`, import.meta.url)))
const tesseract = fixture("nation-population.tesseract.json")
const legacy = fixture("nation-population.legacy.json")

const decoded = (input: Uint8Array | string) => Effect.runPromise(decodePopulation(input))
const rejection = async (input: Uint8Array | string) => failureOf(await Effect.runPromiseExit(decodePopulation(input)))

/** The rows of a response, as the test builds them (not as the decoder reads them). */
const response = (rows: ReadonlyArray<Record<string, unknown>>) => JSON.stringify({ data: rows })
const us = (year: number | string, population: number, extra: Record<string, unknown> = {}) => ({
  "Nation ID": "01000US",
  Nation: "United States",
  Year: year,
  Population: population,
  ...extra
})

describe("decoding the DataUSA population", () => {
  it("reads the tesseract response into one figure per year, in year order", async () => {
    const figures = await decoded(tesseract)
    const raw = JSON.parse(new TextDecoder().decode(tesseract)) as { data: Array<{ Year: number; Population: number }> }
    expect(figures.map((figure) => figure.year)).toEqual([2013, 2014, 2015, 2016, 2017, 2018, 2019, 2021, 2022, 2023, 2024])
    expect(figures).toEqual(raw.data.map((row) => ({ year: row.Year, population: row.Population })))
    expect(figures.find((figure) => figure.year === 2018)?.population).toBe(327167439)
  })

  it("reads the legacy response (string years, newest first) to the same figures", async () => {
    const fromLegacy = await decoded(legacy)
    const fromTesseract = await decoded(tesseract)
    expect(fromLegacy.map((figure) => figure.year)).toEqual([2013, 2014, 2015, 2016, 2017, 2018, 2019])
    expect(fromLegacy).toEqual(fromTesseract.filter((figure) => figure.year <= 2019))
    expect(typeof fromLegacy[0]?.year).toBe("number")
  })

  it("accepts text as well as bytes, float populations, any order and extra fields", async () => {
    const figures = await decoded(response([
      us("2015", 321418821.0, { "Slug Nation": "united-states" }),
      us(2013, 316128839.5),
      { Year: 2014, Population: 318857056, "ID Year": 2014 }
    ]))
    expect(figures).toEqual([
      { year: 2013, population: 316128839.5 },
      { year: 2014, population: 318857056 },
      { year: 2015, population: 321418821 }
    ])
  })

  it("collapses a year repeated with the same figure", async () => {
    expect(await decoded(response([us(2013, 5), us("2013", 5.0), us(2014, 6)]))).toEqual([
      { year: 2013, population: 5 },
      { year: 2014, population: 6 }
    ])
  })

  describe("rejects, naming what is wrong and where", () => {
    const rejected = async (input: Uint8Array | string) => {
      const error = await rejection(input)
      expect(error._tag).toBe("PopulationInvalid")
      expect(error.message).toMatch(/quest population/)
      return error.message
    }

    it("a body that is not JSON", async () => {
      const said = await rejected("<html><body>502 Bad Gateway</body></html>")
      expect(said).toMatch(/not JSON \(SyntaxError: /)
      expect(said).toContain(`"<html><bod`)
    })

    it("bytes that are not UTF-8", async () => {
      expect(await rejected(new Uint8Array([0x7b, 0xff, 0xfe, 0x7d]))).toMatch(/not valid UTF-8/)
    })

    it("JSON without a data array", async () => {
      expect(await rejected(JSON.stringify({ error: "cube not found" }))).toMatch(/Missing key at \["data"\]/)
    })

    it("a row whose Year is not a year, or whose Population is not a positive number", async () => {
      const notYear = "Expected a 4-digit year, got"
      expect(await rejected(response([us(2013, 1), us("20x4", 2)]))).toContain(`${notYear} "20x4" at ["data"][1]["Year"]`)
      expect(await rejected(response([us(20134, 1)]))).toContain(`${notYear} 20134 at ["data"][0]["Year"]`)
      expect(await rejected(response([us(2013, "many" as unknown as number)])))
        .toMatch(/Expected number, got "many" at \["data"\]\[0\]\["Population"\]/)
      expect(await rejected(response([us(2013, -1)]))).toMatch(/greater than 0, got -1 at \["data"\]\[0\]\["Population"\]/)
      expect(await rejected(response([{ Year: 2013 }]))).toMatch(/Missing key at \["data"\]\[0\]\["Population"\]/)
    })

    it("a response with no rows", async () => {
      expect(await rejected(JSON.stringify({ data: [], source: [] }))).toMatch(/no rows/)
    })

    it("a year with two different figures", async () => {
      expect(await rejected(response([us(2013, 316128839), us(2014, 2), us("2013", 316128840)])))
        .toContain("2013 has two populations, 316128839 and 316128840, as if the rows were below the nation: " +
          "the query must drill down by Year and Nation only")
    })

    it("rows that are not the US national total, saying how the query must drill down", async () => {
      const drill = "the query must drill down by Year and Nation only"
      const cases = [
        [us(2013, 1, { "Nation ID": "04000US06" }), `"01000US" (${drill}), got "04000US06" at ["data"][1]["Nation ID"]`],
        [
          { "ID Nation": "01000PR", Nation: "United States", Year: "2013", Population: 1 },
          `"01000US" (${drill}), got "01000PR" at ["data"][1]["ID Nation"]`
        ],
        [us(2013, 1, { Nation: "Puerto Rico" }), `"United States" (${drill}), got "Puerto Rico" at ["data"][1]["Nation"]`],
        [
          { "State ID": "04000US06", State: "California", Year: 2013, Population: 1 },
          `a field below the nation: ${drill} at ["data"][1]["State ID"]`
        ]
      ] as const
      for (const [row, said] of cases) expect(await rejected(response([us(2012, 1), row]))).toContain(said)
    })
  })
})
