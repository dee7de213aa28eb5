/**
 * The report document: the three reports and the inputs they were computed from, in the
 * shape `quest report --json` prints and `report.json` stores. Every key is camelCase (the
 * tables use snake_case: see reportTables.ts), in the order of `makeReportDocument`.
 *
 * It holds no generation time on purpose: the document is a function of its inputs
 * (identified by their sha256), so the same inputs give byte-identical report files and a
 * duplicate delivery of the same event rewrites the same bytes.
 */
import type { BestYear } from "./bestYearBySeries.ts"
import type { PopulationStats } from "./populationStats.ts"
import type { SeriesPopulationRow } from "./seriesPopulationJoin.ts"

export interface ReportDocument {
  readonly populationStats: PopulationStats
  readonly bestYearBySeries: ReadonlyArray<BestYear>
  readonly seriesWithoutQuarters: ReadonlyArray<string>
  /** `population` is null where DataUSA has no figure. */
  readonly prs30006032Q01: ReadonlyArray<SeriesPopulationRow>
  readonly inputs: {
    /** `rows` read; `rejected`: lines that could not be read as rows (counted, not fatal). */
    readonly bls: { readonly key: string; readonly sha256: string; readonly rows: number; readonly rejected: number }
    /** `years`: how many years have a population figure. */
    readonly population: { readonly key: string; readonly sha256: string; readonly years: number }
  }
}

/** The document with its keys in the documented order (JSON output follows it); the long arrays are taken, not copied. */
export const makeReportDocument = (
  { bestYearBySeries, inputs: { bls, population }, populationStats: s, prs30006032Q01, seriesWithoutQuarters }: ReportDocument
): ReportDocument => ({
  populationStats: { years: s.years, mean: s.mean, stddevSample: s.stddevSample, stddevPopulation: s.stddevPopulation },
  bestYearBySeries,
  seriesWithoutQuarters,
  prs30006032Q01,
  inputs: {
    bls: { key: bls.key, sha256: bls.sha256, rows: bls.rows, rejected: bls.rejected },
    population: { key: population.key, sha256: population.sha256, years: population.years }
  }
})

/** What the reports were computed from, in two lines for people. */
export const inputsSummary = ({ inputs: { bls, population } }: ReportDocument): string =>
  `${bls.key}: ${bls.rows} rows, ${bls.rejected} rejected, sha256 ${bls.sha256}\n` +
  `${population.key}: ${population.years} years, sha256 ${population.sha256}`

/**
 * `report.json` a line at a time: each top-level key on its line, arrays one element per
 * line — readable, diffable, and streamed to the store without building the whole text.
 */
export function* reportJsonPieces(doc: ReportDocument): Iterable<string> {
  const entries = Object.entries(doc)
  for (const [i, [key, value]] of entries.entries()) {
    yield `${i === 0 ? "{" : ","}\n  ${JSON.stringify(key)}: `
    if (!Array.isArray(value) || value.length === 0) yield JSON.stringify(value)
    else for (const [k, item] of value.entries()) yield `${k === 0 ? "[\n" : ",\n"}    ${JSON.stringify(item)}${k === value.length - 1 ? "\n  ]" : ""}`
  }
  yield "\n}\n"
}
