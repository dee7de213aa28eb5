/**
 * The report document: the three reports and the inputs they were computed from, in the
 * shape `quest report --json` prints and `report.json` stores.
 *
 * It holds no generation time on purpose: the document is a function of its inputs
 * (identified by their sha256), so the same inputs give byte-identical report files and a
 * duplicate delivery of the same event rewrites the same bytes.
 *
 * Every key is camelCase, the JSON/JS norm (the tabular formats use snake_case: see
 * reportTables.ts). Keys come in this order:
 *   populationStats        {years, mean, stddevSample, stddevPopulation}
 *   bestYearBySeries       [{seriesId, year, sumQ01Q04}]  (sumQ01Q04: the year's Q01–Q04 summed)
 *   seriesWithoutQuarters  [seriesId]
 *   prs30006032Q01         [{seriesId, year, period, value, population}]  (population null where DataUSA has none)
 *   inputs                 {bls: {key, sha256, rows, rejected}, population: {key, sha256, years}}
 */
import type { PopulationStats } from "./populationStats.ts"
import type { BestYear } from "./bestYearBySeries.ts"
import type { SeriesPopulationRow } from "./seriesPopulationJoin.ts"

export interface BlsInput {
  readonly key: string
  readonly sha256: string
  /** Data rows read. */
  readonly rows: number
  /** Lines that could not be read as rows (counted, not fatal). */
  readonly rejected: number
}

export interface PopulationInput {
  readonly key: string
  readonly sha256: string
  /** How many years have a population figure. */
  readonly years: number
}

export interface ReportDocument {
  readonly populationStats: PopulationStats
  readonly bestYearBySeries: ReadonlyArray<BestYear>
  readonly seriesWithoutQuarters: ReadonlyArray<string>
  readonly prs30006032Q01: ReadonlyArray<SeriesPopulationRow>
  readonly inputs: {
    readonly bls: BlsInput
    readonly population: PopulationInput
  }
}

/** Builds the document with its keys in the documented order (JSON output follows it). */
export const makeReportDocument = (parts: ReportDocument): ReportDocument => ({
  populationStats: {
    years: parts.populationStats.years,
    mean: parts.populationStats.mean,
    stddevSample: parts.populationStats.stddevSample,
    stddevPopulation: parts.populationStats.stddevPopulation
  },
  // The rows are taken as their makers built them, keys in the documented order: a copy
  // would hold a second ~90 k objects at the run's peak of memory, on a large file.
  bestYearBySeries: parts.bestYearBySeries,
  seriesWithoutQuarters: parts.seriesWithoutQuarters,
  prs30006032Q01: parts.prs30006032Q01,
  inputs: {
    bls: {
      key: parts.inputs.bls.key,
      sha256: parts.inputs.bls.sha256,
      rows: parts.inputs.bls.rows,
      rejected: parts.inputs.bls.rejected
    },
    population: {
      key: parts.inputs.population.key,
      sha256: parts.inputs.population.sha256,
      years: parts.inputs.population.years
    }
  }
})

/**
 * `report.json` a line at a time: each top-level key on its line, arrays one element per line —
 * readable, diffable, and streamed to the store without building the whole text.
 */
export function* reportJsonPieces(doc: ReportDocument): Iterable<string> {
  const entries = Object.entries(doc) as Array<[string, unknown]>
  yield "{\n"
  for (const [i, [key, value]] of entries.entries()) {
    const comma = i < entries.length - 1 ? "," : ""
    if (!Array.isArray(value) || value.length === 0) {
      yield `  ${JSON.stringify(key)}: ${JSON.stringify(value)}${comma}\n`
      continue
    }
    yield `  ${JSON.stringify(key)}: [\n`
    for (const [k, row] of value.entries()) yield `    ${JSON.stringify(row)}${k < value.length - 1 ? "," : ""}\n`
    yield `  ]${comma}\n`
  }
  yield "}\n"
}
