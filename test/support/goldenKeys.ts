/**
 * The golden reports (test/fixtures/expected, from an independent reference implementation)
 * name their row fields their own way (`series_id`, `value`). These read them and map a
 * golden row onto the report document's keys, so the tests compare values; the fixture
 * files stay as made.
 */
import { readFileSync } from "node:fs"

export interface GoldenBestYear {
  readonly series_id: string
  readonly year: number
  readonly value: number
}

export interface GoldenJoinRow {
  readonly series_id: string
  readonly year: number
  readonly period: string
  readonly value: number
  readonly population: number | null
}

/** A golden file: `reports.json`, or `reports.legacy.json` for the legacy population shape. */
export interface GoldenReports {
  readonly rows: number
  readonly series: number
  readonly population_stats: {
    readonly years: ReadonlyArray<number>
    readonly mean: number
    readonly stddev_sample: number
    readonly stddev_population: number
  }
  readonly best_year: ReadonlyArray<GoldenBestYear>
  readonly series_without_quarters: ReadonlyArray<string>
  readonly prs30006032_q01: ReadonlyArray<GoldenJoinRow>
}

export const goldenReports = (file = "reports.json"): GoldenReports =>
  JSON.parse(readFileSync(new URL(`../fixtures/expected/${file}`, import.meta.url), "utf8"))

/** A golden best year as `bestYearBySeries` holds it: the value is the sum of Q01–Q04. */
export const bestYearOfGolden = (row: GoldenBestYear) => ({ seriesId: row.series_id, year: row.year, sumQ01Q04: row.value })

/** A golden PRS30006032 Q01 row as `prs30006032Q01` holds it. */
export const joinRowOfGolden = (row: GoldenJoinRow) => ({
  seriesId: row.series_id,
  year: row.year,
  period: row.period,
  value: row.value,
  population: row.population
})
