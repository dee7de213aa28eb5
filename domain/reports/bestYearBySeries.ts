/// <reference lib="es2024.arraybuffer" />
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

/** A series' sums: `years` of them from `first`, at `at` in the pool, counting 10^-scale. */
interface SeriesSums {
  at: number
  first: number
  years: number
  scale: number
}

const isExact = (sum: number) => Number.isNaN(sum) || Number.isSafeInteger(sum)

/**
 * Sums live in one pool of doubles (NaN: a year with no quarter) outside the JS heap, each
 * series' years side by side: kept in small arrays, ~90 k series' sums would pass through
 * V8's young generation and grow it by ~80 MB. A series' rows come together, so its years
 * grow at the end of the pool; a series seen again is moved there.
 */
export class BestYearAccumulator {
  readonly series = new Map<string, SeriesSums>()
  pool = new Float64Array(1 << 16).fill(NaN)
  used = 0
  // Rows of a series are contiguous: most rows skip the lookup.
  lastId: string | undefined
  last: SeriesSums = { at: 0, first: 0, years: 0, scale: 0 }
  overflow: SumOutOfExactRange | undefined

  /** Room for `years` years from `first`, at the end of the pool unless the series is there already. */
  place(s: SeriesSums, first: number, years: number): void {
    const moved = s.at + s.years !== this.used || first !== s.first
    const at = moved ? this.used : s.at
    if (at + years > this.pool.length) {
      // Transferred, not copied: the old buffer is not kept beside the new one until a collection.
      const length = this.pool.length
      this.pool = new Float64Array(this.pool.buffer.transfer(16 * (at + years))).fill(NaN, length)
    }
    if (moved) this.pool.copyWithin(at + s.first - first, s.at, s.at + s.years)
    s.at = at
    s.first = first
    s.years = years
    this.used = at + years
  }

  add(row: BlsRow): void {
    if (row.series_id !== this.lastId) {
      this.lastId = row.series_id
      const known = this.series.get(row.series_id)
      this.last = known ?? { at: this.used, first: row.year, years: 0, scale: 0 }
      if (known === undefined) this.series.set(row.series_id, this.last)
    }
    if (!QUARTERS.has(row.period)) return
    const s = this.last
    const pool = this.pool
    let exact = true
    if (row.decimals > s.scale) {
      const factor = 10 ** (row.decimals - s.scale)
      for (let k = s.at; k < s.at + s.years; k++) exact &&= isExact(pool[k] = pool[k]! * factor)
      s.scale = row.decimals
    }
    if (s.years === 0) this.place(s, row.year, 1)
    else if (row.year < s.first) this.place(s, row.year, s.first + s.years - row.year)
    else if (row.year >= s.first + s.years) this.place(s, s.first, row.year - s.first + 1)
    const k = s.at + row.year - s.first
    this.pool[k] = (this.pool[k] || 0) + row.scaled * 10 ** (s.scale - row.decimals)
    if (!exact || !isExact(this.pool[k]!)) this.overflow ??= new SumOutOfExactRange({ series_id: row.series_id, year: row.year })
  }

  finish(): Effect.Effect<BestYearReport, SumOutOfExactRange> {
    if (this.overflow !== undefined) return Effect.fail(this.overflow)
    const bestYearBySeries: Array<BestYear> = []
    const seriesWithoutQuarters: Array<string> = []
    // The default sort compares UTF-16 code units: the same order on every runtime and locale.
    for (const seriesId of [...this.series.keys()].sort()) {
      const { at, first, years, scale } = this.series.get(seriesId)!
      // In year order, only a strictly larger sum displaces a year: ties go to the earliest.
      let best = -1
      for (let k = at; k < at + years; k++) if (best === -1 || this.pool[k]! > this.pool[best]!) best = Number.isNaN(this.pool[k]) ? best : k
      if (best === -1) seriesWithoutQuarters.push(seriesId)
      // One correctly rounded division: the nearest double to the exact decimal sum.
      else bestYearBySeries.push({ seriesId, year: first + best - at, sumQ01Q04: this.pool[best]! / 10 ** scale })
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
