/**
 * Best year per series: for every `series_id`, the year with the largest sum of its quarterly
 * values Q01–Q04 (Q05 is the annual average, not a quarter). Ties go to the earliest year.
 * Series with no quarterly row have no best year and are listed apart.
 *
 * Sums are exact to the data's decimals: each value arrives as an integer count of
 * 10^-decimals (see BlsRow.scaled), a series' sums are kept as integers at the largest
 * scale its values use, and only the winner is divided back — so 2.6 + 13.8 is 16.4, never
 * 16.400000000000002. An integer sum that would leave the exact range of a double is an
 * error rather than a silently rounded figure.
 *
 * Memory: rows of a series are contiguous in BLS files, so one series is "open" at a time
 * (small arrays); when the next series starts, its per-year sums move into packed blocks
 * (4 bytes a year, see PackedYearSums). Any row order stays correct: a series seen again is
 * reopened from its blocks.
 */
import * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"
import type { BlsRow } from "./blsRows.ts"
import { PackedYearSums } from "./packedYearSums.ts"
import { type BestYear, BestYearColumns, type ReportRows, SeriesIdColumn } from "./reportRows.ts"
import { ByteColumn, SeriesNames } from "./seriesNames.ts"

export type { BestYear } from "./reportRows.ts"

export interface BestYearReport {
  /** Sorted by seriesId. */
  readonly bestYearBySeries: ReportRows<BestYear>
  /** Series that have rows but none for Q01–Q04, sorted. */
  readonly seriesWithoutQuarters: ReportRows<string>
}

export class SumOutOfExactRange extends Schema.TaggedError<SumOutOfExactRange>()("SumOutOfExactRange", {
  series_id: Schema.String,
  year: Schema.Number
}) {
  override get message() {
    return `The quarterly values of ${this.series_id} in ${this.year} are too large or have too many ` +
      `decimals to be summed exactly (beyond 2^53 units of their smallest decimal). ` +
      `The BLS file is unlikely to hold such values: check that bls/pr/pr.data.0.Current is a BLS data file.`
  }
}

/** Q01–Q04; Q05 (annual average) and other period codes are not quarters. */
export const isQuarter = (period: string): boolean => {
  if (period.length !== 3 || period.charCodeAt(0) !== 81 /* Q */ || period.charCodeAt(1) !== 48 /* 0 */) {
    return false
  }
  const quarter = period.charCodeAt(2) - 48
  return quarter >= 1 && quarter <= 4
}

const POW10 = Array.from({ length: 23 }, (_, i) => 10 ** i)
const isExact = (sum: number) => sum <= Number.MAX_SAFE_INTEGER && sum >= -Number.MAX_SAFE_INTEGER

export class BestYearAccumulator {
  // Every series seen, by first appearance, with its decimals and whether it has quarters.
  readonly names = new SeriesNames()
  readonly scales = new ByteColumn()
  readonly hasQuarter = new ByteColumn()
  /** The per-year sums of series no longer open. */
  readonly closed = new PackedYearSums()

  // The open series.
  current = -1
  currentName: string | undefined = undefined
  currentHasQuarter = false
  scale = 0
  years: Array<number> = []
  sums: Array<number> = []
  last = -1

  overflow: SumOutOfExactRange | undefined = undefined

  add(row: BlsRow): void {
    this.addFields(row.series_id, row.year, row.period, row.scaled, row.decimals)
  }

  /** A row as its fields (see BlsRowSink): the streamed run calls this, allocating nothing. */
  addFields(seriesId: string, year: number, period: string, scaled: number, decimals: number): void {
    if (seriesId !== this.currentName) this.open(seriesId)
    if (!isQuarter(period)) return
    if (!this.currentHasQuarter) {
      this.currentHasQuarter = true
      this.hasQuarter.set(this.current, 1)
    }
    let value = scaled
    if (decimals > this.scale) {
      const factor = POW10[decimals - this.scale]!
      for (let k = 0; k < this.sums.length; k++) this.sums[k] = this.sums[k]! * factor
      this.scale = decimals
    } else if (decimals < this.scale) {
      value *= POW10[this.scale - decimals]!
    }
    let k = this.last
    if (k < 0 || this.years[k] !== year) {
      k = this.years.indexOf(year)
      if (k < 0) {
        k = this.years.length
        this.years.push(year)
        this.sums.push(0)
      }
      this.last = k
    }
    const sum = this.sums[k]! + value
    this.sums[k] = sum
    if (!isExact(sum) || !isExact(value)) {
      this.overflow ??= new SumOutOfExactRange({ series_id: seriesId, year: year })
    }
  }

  open(name: string): void {
    this.close()
    const known = this.names.size
    const id = this.names.intern(name)
    // Seen before, with other series in between: its sums come back out to be added to.
    if (id < known) this.closed.take(id, this.years, this.sums)
    this.current = id
    this.currentName = name
    this.currentHasQuarter = this.hasQuarter.get(id) === 1
    this.scale = this.scales.get(id)
  }

  close(): void {
    if (this.current < 0) return
    this.scales.set(this.current, this.scale)
    this.closed.save(this.current, this.years, this.sums)
    this.years.length = 0
    this.sums.length = 0
    this.last = -1
    this.current = -1
    this.currentName = undefined
  }

  finish(): Effect.Effect<BestYearReport, SumOutOfExactRange> {
    this.close()
    if (this.overflow !== undefined) return Effect.fail(this.overflow)
    const names = this.names
    const count = names.size
    // An array, not an Int32Array: Array.prototype.sort is a TimSort that merges runs already
    // in order (a file of concatenated sorted parts sorts ~30% faster), where a typed array's
    // sort does not look for them. BLS files list series in order: checked before any sort.
    const order = Array.from({ length: count }, (_, id) => id)
    let sorted = true
    for (let k = 1; k < count && sorted; k++) sorted = names.compare(order[k - 1]!, order[k]!) <= 0
    if (!sorted) order.sort((a, b) => names.compare(a, b))
    let withQuarters = 0
    for (let id = 0; id < count; id++) withQuarters += this.hasQuarter.get(id)
    // Columns, not a million objects: see reportRows.ts.
    const ids = new Int32Array(withQuarters)
    const years = new Int32Array(withQuarters)
    const sums = new Float64Array(withQuarters)
    const without = new Int32Array(count - withQuarters)
    let k = 0
    let w = 0
    for (const id of order) {
      if (this.hasQuarter.get(id) === 0) {
        without[w++] = id
        continue
      }
      ids[k] = id
      years[k] = this.closed.bestYear(id)
      // One correctly rounded division: the nearest double to the exact decimal sum.
      sums[k++] = this.closed.bestSum / POW10[this.scales.get(id)]!
    }
    const bestYearBySeries = new BestYearColumns(names, ids, years, sums)
    const seriesWithoutQuarters = new SeriesIdColumn(names, without)
    return Effect.succeed({ bestYearBySeries, seriesWithoutQuarters })
  }
}

/** The report over rows already in memory (tests, small inputs); the run streams into an accumulator. */
export const bestYearBySeries = (rows: Iterable<BlsRow>): Effect.Effect<BestYearReport, SumOutOfExactRange> => {
  const accumulator = new BestYearAccumulator()
  for (const row of rows) accumulator.add(row)
  return accumulator.finish()
}
