/**
 * PRS30006032 / Q01 with population: every year's value of one series and period, next to
 * that year's US population — a left join, so a year the population lacks keeps its value
 * and gets `null`.
 */
import type { PopulationYear } from "../population/decodePopulation.ts"
import type { BlsRow } from "./blsRows.ts"

export const JOIN_SERIES_ID = "PRS30006032"
export const JOIN_PERIOD = "Q01"

export interface SeriesPopulationRow {
  readonly seriesId: string
  readonly year: number
  readonly period: string
  readonly value: number
  readonly population: number | null
}

/** Keeps the rows of one series and period as they stream past. */
export class SeriesPeriodCollector {
  readonly seriesId: string
  readonly period: string
  readonly rows: Array<BlsRow> = []

  constructor(seriesId = JOIN_SERIES_ID, period = JOIN_PERIOD) {
    this.seriesId = seriesId
    this.period = period
  }

  add(row: BlsRow): void {
    if (row.series_id === this.seriesId && row.period === this.period) this.rows.push(row)
  }
}

/** Sorted by year; rows of the same year keep their file order. */
export const seriesPopulationJoin = (
  rows: ReadonlyArray<Pick<BlsRow, "series_id" | "year" | "period" | "value">>,
  population: ReadonlyArray<PopulationYear>
): ReadonlyArray<SeriesPopulationRow> => {
  const byYear = new Map(population.map((figure) => [figure.year, figure.population]))
  return [...rows].sort((a, b) => a.year - b.year).map((row) => ({
    seriesId: row.series_id,
    year: row.year,
    period: row.period,
    value: row.value,
    population: byYear.get(row.year) ?? null
  }))
}
