/**
 * The statements of this folder, one file each, read by both engines: the catalog deploys
 * them (infra/catalog.ts) and `quest sql` runs them (adapters/duckdbSql.ts), and the names
 * both use for the tables' columns, the views and the saved queries.
 */
import { readFileSync } from "node:fs"
import { REQUIRED_COLUMNS } from "../domain/reports/blsRows.ts"

/** The text of sql/<name>.sql, as it is deployed (found from here, or from the CLI's bundle: dist/ is one folder
 * below the root, as sql/ is). */
export const sqlText = (name: string): string => readFileSync(new URL(`../sql/${name}.sql`, import.meta.url), "utf8")

/** A BLS data file's columns, as its header line names them: `bls_files`' columns, as text. */
export const BLS_COLUMNS: ReadonlyArray<string> = [...REQUIRED_COLUMNS, "footnote_codes"]

/** The views both engines define from sql/<name>.sql, over `bls_files` and `population_files`. */
export const VIEW_NAMES = ["bls_data", "population"] as const
export type ViewName = (typeof VIEW_NAMES)[number]

/** The saved queries, sql/<name>.sql, by the key of the report document each fills (`inputs`: what they read). */
export const SAVED_QUERIES = {
  populationStats: {
    name: "population_stats",
    description: "The mean and standard deviations of the US population, 2013–2018"
  },
  bestYearBySeries: {
    name: "best_year_by_series",
    description: "Each pr series' best year: the largest sum of Q01–Q04, ties to the earliest"
  },
  seriesWithoutQuarters: {
    name: "series_without_quarters",
    description: "The pr series with no quarterly row (no best year)"
  },
  prs30006032Q01: {
    name: "prs30006032_q01",
    description: "PRS30006032 Q01 every year, beside that year's US population"
  },
  inputs: {
    name: "report_inputs",
    description: "What the reports read: the pr data file's rows and rejected lines, the population's years"
  }
} as const
