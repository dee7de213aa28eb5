/**
 * The rows of a report table as the document holds them: an array (a report read back from
 * JSON, a test's literal) or columns of typed arrays that make each row only when it is read.
 *
 * Why columns: a million series as objects cost ~100 MB of heap twice over (the rows, then
 * every renderer's pass) and a garbage collector that walks them all; as columns they are
 * 16 bytes a series outside the heap, and the names stay where the accumulator interned them.
 */
import type { SeriesNames } from "./seriesNames.ts"

/** What every renderer needs of a table's rows; an array is one. */
export interface ReportRows<A> extends Iterable<A> {
  readonly length: number
  at(index: number): A | undefined
}

/** The rows as an array (JSON.stringify calls this on a columnar table, so `--json` and tests see plain arrays). */
export const rowsArray = <A>(rows: ReportRows<A>): ReadonlyArray<A> => Array.isArray(rows) ? rows : Array.from(rows)

/** Series names by position: the ids of `names`, in the order given. */
export class SeriesIdColumn implements ReportRows<string> {
  readonly names: SeriesNames
  readonly ids: Int32Array

  constructor(names: SeriesNames, ids: Int32Array) {
    this.names = names
    this.ids = ids
  }

  get length(): number {
    return this.ids.length
  }

  /** The name at position `k` (0 ≤ k < length). */
  name(k: number): string {
    return this.names.nameOf(this.ids[k]!)
  }

  at(index: number): string | undefined {
    const k = index < 0 ? index + this.ids.length : index
    return k >= 0 && k < this.ids.length ? this.name(k) : undefined
  }

  *[Symbol.iterator](): Iterator<string> {
    for (let k = 0; k < this.ids.length; k++) yield this.name(k)
  }

  toJSON(): ReadonlyArray<string> {
    return Array.from(this)
  }
}

/** A series' best year (see bestYearBySeries.ts). */
export interface BestYear {
  readonly seriesId: string
  readonly year: number
  /** The year's Q01–Q04 values summed (not a figure BLS published). */
  readonly sumQ01Q04: number
}

/** Best years as three columns: series (ids into `names`), year, sum. */
export class BestYearColumns implements ReportRows<BestYear> {
  readonly series: SeriesIdColumn
  readonly years: Int32Array
  readonly sums: Float64Array

  constructor(names: SeriesNames, ids: Int32Array, years: Int32Array, sums: Float64Array) {
    this.series = new SeriesIdColumn(names, ids)
    this.years = years
    this.sums = sums
  }

  get length(): number {
    return this.years.length
  }

  /** Keys in the document's order (reportDocument.ts). */
  row(k: number): BestYear {
    return { seriesId: this.series.name(k), year: this.years[k]!, sumQ01Q04: this.sums[k]! }
  }

  at(index: number): BestYear | undefined {
    const k = index < 0 ? index + this.length : index
    return k >= 0 && k < this.length ? this.row(k) : undefined
  }

  *[Symbol.iterator](): Iterator<BestYear> {
    for (let k = 0; k < this.length; k++) yield this.row(k)
  }

  toJSON(): ReadonlyArray<BestYear> {
    return Array.from(this)
  }
}
