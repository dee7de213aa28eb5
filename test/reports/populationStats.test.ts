/** Population statistics over 2013–2018, on the real DataUSA figures. */
import { readFileSync } from "node:fs"
import * as Effect from "effect/Effect"
import { describe, expect, it } from "vitest"
import { decodePopulation } from "../../domain/population/decodePopulation.ts"
import { populationStats } from "../../domain/reports/populationStats.ts"
import { failureOf } from "../support/pipelineLayer.ts"

const figuresOf = (name: string) =>
  Effect.runPromise(decodePopulation(new Uint8Array(readFileSync(new URL(`../fixtures/datausa/${name}`, import.meta.url)))))

describe("population statistics", () => {
  it("gives the mean and both standard deviations of 2013–2018 only", async () => {
    const stats = await Effect.runPromise(populationStats(await figuresOf("nation-population.tesseract.json")))
    expect(stats.years).toEqual([2013, 2014, 2015, 2016, 2017, 2018])
    // The figures of those years sum to 1,932,418,848: the mean is exact.
    expect(stats.mean).toBe(322069808)
    expect(stats.stddevSample).toBeCloseTo(4158441.04, 2)
    expect(stats.stddevPopulation).toBeCloseTo(3796119.94, 2)
    // n−1 against n: the two differ by exactly sqrt(6/5).
    expect(stats.stddevSample / stats.stddevPopulation).toBeCloseTo(Math.sqrt(6 / 5), 12)
  })

  it("agrees on the legacy shape, which ends in 2019", async () => {
    const legacy = await Effect.runPromise(populationStats(await figuresOf("nation-population.legacy.json")))
    const tesseract = await Effect.runPromise(populationStats(await figuresOf("nation-population.tesseract.json")))
    expect(legacy).toEqual(tesseract)
  })

  it("refuses a range with a missing year, and says which", async () => {
    const figures = (await figuresOf("nation-population.tesseract.json")).filter((f) => f.year !== 2016)
    const error = failureOf(await Effect.runPromiseExit(populationStats(figures)))
    expect(error).toMatchObject({ _tag: "PopulationYearsMissing", missing: [2016] })
    expect(error.message).toContain("no figure for 2016")
    expect(error.message).toContain("quest population")
  })
})
