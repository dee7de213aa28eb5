/**
 * The golden reports (test/fixtures/expected, from an independent reference implementation)
 * name their row fields their own way (`series_id`, `value`). These map a golden row onto
 * the report document's keys, so the tests compare values; the fixture files stay as made.
 */

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
