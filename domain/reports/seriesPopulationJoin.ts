/**
 * PRS30006032 / Q01 with population: every year's value of that series and period, next to
 * the year's US population — a left join, so a year without a figure keeps its value, with `null`.
 */
import type { PopulationYear } from "../population/decodePopulation.ts"
import type { BlsRow } from "./blsRows.ts"

export interface SeriesPopulationRow {
  readonly seriesId: string
  readonly year: number
  readonly period: string
  readonly value: number
  readonly population: number | null
}

/** Keeps the rows of PRS30006032 / Q01 as they stream past. */
export class SeriesPeriodCollector {
  readonly rows: Array<BlsRow> = []

  add(row: BlsRow): void {
    if (row.series_id === "PRS30006032" && row.period === "Q01") this.rows.push(row)
  }
}

/** Sorted by year; rows of the same year keep their file order. */
export const seriesPopulationJoin = (
  rows: ReadonlyArray<BlsRow>,
  population: ReadonlyArray<PopulationYear>
): ReadonlyArray<SeriesPopulationRow> => {
  const byYear = new Map(population.map((figure) => [figure.year, figure.population]))
  return [...rows].sort((a, b) => a.year - b.year).map(({ series_id, year, period, value }) => ({
    seriesId: series_id,
    year,
    period,
    value,
    population: byYear.get(year) ?? null
  }))
}
