/**
 * The golden test: on the fixtures, the reports equal the ones an independent reference
 * implementation computed (test/fixtures/expected). Their key names are their own, so
 * values are compared; only the standard deviations are floats computed two ways.
 */
import { describe, expect, it } from "vitest"
import { bestYearOfGolden, goldenReports, joinRowOfGolden } from "../support/goldenKeys.ts"
import { documentOf, type PopulationShape, populationFixture, seededStore } from "./reportStore.ts"


const cases: ReadonlyArray<readonly [PopulationShape, string]> = [
  ["tesseract", "reports.json"],
  ["legacy", "reports.legacy.json"]
]

describe.each(cases)("the reports on the fixtures (%s population)", (shape, file) => {
  it(`equal expected/${file}`, async () => {
    const expected = goldenReports(file)
    const doc = await documentOf(await seededStore({ population: populationFixture(shape) }))

    expect(doc.inputs.bls.rows).toBe(expected.rows)
    expect(doc.inputs.bls.rejected).toBe(0)
    expect(doc.bestYearBySeries.length + doc.seriesWithoutQuarters.length).toBe(expected.series)

    const stats = doc.populationStats
    expect(stats.years).toEqual(expected.population_stats.years)
    expect(stats.mean).toBe(expected.population_stats.mean)
    const close = (actual: number, wanted: number) => expect(Math.abs(actual - wanted)).toBeLessThan(wanted * 1e-12)
    close(stats.stddevSample, expected.population_stats.stddev_sample)
    close(stats.stddevPopulation, expected.population_stats.stddev_population)

    // Exact equality: the sums must come out as the decimals the data is written in.
    expect(doc.bestYearBySeries).toEqual(expected.best_year.map(bestYearOfGolden))
    expect(doc.seriesWithoutQuarters).toEqual(expected.series_without_quarters)
    expect(doc.prs30006032Q01).toEqual(expected.prs30006032_q01.map(joinRowOfGolden))
  })
})
