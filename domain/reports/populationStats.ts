/**
 * Population statistics over 2013–2018 inclusive: the mean, the sample standard deviation
 * (n−1, the usual dataframe default) and the population standard deviation (n).
 * Every year of the range must have a figure: a gap would silently shift the statistics.
 */
import * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"
import type { PopulationYear } from "../population/decodePopulation.ts"

const STATS_FIRST_YEAR = 2013
const STATS_LAST_YEAR = 2018

export interface PopulationStats {
  readonly years: ReadonlyArray<number>
  readonly mean: number
  readonly stddevSample: number
  readonly stddevPopulation: number
}

export class PopulationYearsMissing extends Schema.TaggedError<PopulationYearsMissing>()("PopulationYearsMissing", {
  missing: Schema.Array(Schema.Number),
  available: Schema.Array(Schema.Number)
}) {
  override get message() {
    const available = this.available.length === 0 ? "none" : this.available.join(", ")
    return `The stored population has no figure for ${this.missing.join(", ")}; the statistics need every year ` +
      `${STATS_FIRST_YEAR}–${STATS_LAST_YEAR} (years present: ${available}). ` +
      `Run \`quest population\` with a POPULATION_URL whose data covers those years.`
  }
}

export const populationStats = (figures: ReadonlyArray<PopulationYear>): Effect.Effect<PopulationStats, PopulationYearsMissing> => {
  const byYear = new Map(figures.map((figure) => [figure.year, figure.population]))
  const years = Array.from({ length: STATS_LAST_YEAR - STATS_FIRST_YEAR + 1 }, (_, i) => STATS_FIRST_YEAR + i)
  const missing = years.filter((year) => !byYear.has(year))
  if (missing.length > 0) return Effect.fail(new PopulationYearsMissing({ missing, available: figures.map((figure) => figure.year) }))
  const values = years.map((year) => byYear.get(year)!)
  const mean = values.reduce((sum, value) => sum + value, 0) / values.length
  // Two passes (mean, then squared deviations): steadier than the sum-of-squares shortcut.
  const squares = values.reduce((sum, value) => sum + (value - mean) ** 2, 0)
  return Effect.succeed({ years, mean, stddevSample: Math.sqrt(squares / (values.length - 1)), stddevPopulation: Math.sqrt(squares / values.length) })
}
