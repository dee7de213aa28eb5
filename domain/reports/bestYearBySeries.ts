/**
 * Best year per series: for every `series_id`, the year with the largest sum of its quarterly
 * values Q01–Q04 (Q05 is the annual average, not a quarter). Ties go to the earliest year.
 * Series with no quarterly row have no best year and are listed apart.
 *
 * Sums are exact: each value arrives as an integer count of 10^-decimals (BlsRow.scaled), a
 * series' sums are integers at the largest scale its values use, and only the winner is
 * divided back — 2.6 + 13.8 is 16.4, never 16.400000000000002. A sum beyond the exact range
 * of a double is an error rather than a rounded figure. Rows may come in any order.
 */
import * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"
import type { BlsRow } from "./blsRows.ts"

export interface BestYear {
  readonly seriesId: string
  readonly year: number
  /** The year's Q01–Q04 values summed (not a figure BLS published). */
  readonly sumQ01Q04: number
}

export interface BestYearReport {
  /** Sorted by seriesId. */
  readonly bestYearBySeries: ReadonlyArray<BestYear>
  /** Series that have rows but none for Q01–Q04, sorted. */
  readonly seriesWithoutQuarters: ReadonlyArray<string>
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

const QUARTERS = new Set(["Q01", "Q02", "Q03", "Q04"])

/**
 * A series' sums by year from `first`, counting 10^-scale; NaN for a year with no quarter.
 * A series' years are consecutive, so an array of doubles is the smallest record of them.
 */
interface SeriesSums {
  scale: number
  first: number
  sums: Array<number>
}

const isExact = (sum: number) => Number.isNaN(sum) || Number.isSafeInteger(sum)

export class BestYearAccumulator {
  readonly series = new Map<string, SeriesSums>()
  // Rows of a series are contiguous: most rows skip the lookup.
  lastId: string | undefined
  last: SeriesSums = { scale: 0, first: 0, sums: [] }
  overflow: SumOutOfExactRange | undefined

  add(row: BlsRow): void {
    if (row.series_id !== this.lastId) {
      this.lastId = row.series_id
      const known = this.series.get(row.series_id)
      this.last = known ?? { scale: 0, first: row.year, sums: [] }
      if (known === undefined) this.series.set(row.series_id, this.last)
    }
    if (!QUARTERS.has(row.period)) return
    const s = this.last
    let exact = true
    if (row.decimals > s.scale) {
      const factor = 10 ** (row.decimals - s.scale)
      s.sums = s.sums.map((sum) => sum * factor)
      s.scale = row.decimals
      exact = s.sums.every(isExact)
    }
    if (s.sums.length === 0) s.first = row.year
    if (row.year < s.first) {
      s.sums = [...Array<number>(s.first - row.year).fill(NaN), ...s.sums]
      s.first = row.year
    }
    const k = row.year - s.first
    while (s.sums.length <= k) s.sums.push(NaN)
    s.sums[k] = (s.sums[k] || 0) + row.scaled * 10 ** (s.scale - row.decimals)
    if (!exact || !isExact(s.sums[k]!)) this.overflow ??= new SumOutOfExactRange({ series_id: row.series_id, year: row.year })
  }

  finish(): Effect.Effect<BestYearReport, SumOutOfExactRange> {
    if (this.overflow !== undefined) return Effect.fail(this.overflow)
    const bestYearBySeries: Array<BestYear> = []
    const seriesWithoutQuarters: Array<string> = []
    // The default sort compares UTF-16 code units: the same order on every runtime and locale.
    for (const seriesId of [...this.series.keys()].sort()) {
      const { scale, first, sums } = this.series.get(seriesId)!
      // In year order, only a strictly larger sum displaces a year: ties go to the earliest.
      let best = -1
      for (let k = 0; k < sums.length; k++) if (best === -1 || sums[k]! > sums[best]!) best = Number.isNaN(sums[k]) ? best : k
      if (best === -1) seriesWithoutQuarters.push(seriesId)
      // One correctly rounded division: the nearest double to the exact decimal sum.
      else bestYearBySeries.push({ seriesId, year: first + best, sumQ01Q04: sums[best]! / 10 ** scale })
    }
    return Effect.succeed({ bestYearBySeries, seriesWithoutQuarters })
  }
}

/** The report over rows in memory (tests); the run streams into an accumulator. */
export const bestYearBySeries = (rows: Iterable<BlsRow>): Effect.Effect<BestYearReport, SumOutOfExactRange> => {
  const accumulator = new BestYearAccumulator()
  for (const row of rows) accumulator.add(row)
  return accumulator.finish()
}
