/**
 * The golden reports (test/fixtures/expected, from an independent implementation) in the
 * shape the quest command prints, so a printed document can be compared value by value.
 * The golden files name their fields their own way: test/support/goldenKeys.ts maps them.
 */
import { expect } from "vitest"
import type { ReportDocument } from "../../domain/reports/reportDocument.ts"
import { bestYearOfGolden, goldenReports, joinRowOfGolden } from "../support/goldenKeys.ts"


/** Asserts that `printed` (the JSON a run printed) holds the golden reports' values. */
export const expectGoldenReports = (printed: string, file = "reports.json") => {
  const golden = goldenReports(file)
  const doc: ReportDocument = JSON.parse(printed)
  const closeTo = (wanted: number) => expect.closeTo(wanted, 4)
  expect(doc).toMatchObject({
    populationStats: {
      years: golden.population_stats.years,
      mean: golden.population_stats.mean,
      stddevSample: closeTo(golden.population_stats.stddev_sample),
      stddevPopulation: closeTo(golden.population_stats.stddev_population)
    },
    inputs: { bls: { rows: golden.rows, rejected: 0 } }
  })
  expect(doc.bestYearBySeries).toEqual(golden.best_year.map(bestYearOfGolden))
  expect(doc.seriesWithoutQuarters).toEqual(golden.series_without_quarters)
  expect(doc.prs30006032Q01).toEqual(golden.prs30006032_q01.map(joinRowOfGolden))
}
