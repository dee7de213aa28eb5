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
 * Memory grows with series × years, not with rows; rows may come in any order.
 */
import * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"
import type { BlsRow } from "./blsRows.ts"

/** A series' best year. */
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

/** Q01–Q04; Q05 (annual average) and other period codes are not quarters. */
const QUARTERS = new Set(["Q01", "Q02", "Q03", "Q04"])

/**
 * One series' quarterly sums, by year from `first`: integers counting 10^-scale, NaN for a
 * year without a quarterly row. A series' years are consecutive, so one array of doubles
 * (8 bytes a year) holds them; at ~90 k series, a year and a sum apiece cost twice as much.
 */
interface SeriesSums {
  scale: number
  first: number
  sums: Array<number>
}

const noSums = (): SeriesSums => ({ scale: 0, first: 0, sums: [] })

export class BestYearAccumulator {
  readonly series = new Map<string, SeriesSums>()
  // The last row's series: rows of a series are contiguous, so most rows skip the lookup.
  lastId: string | undefined = undefined
  last: SeriesSums = noSums()
  overflow: SumOutOfExactRange | undefined = undefined

  add(row: BlsRow): void {
    if (row.series_id !== this.lastId) this.open(row.series_id)
    if (!QUARTERS.has(row.period)) return
    const series = this.last
    const sums = series.sums
    let value = row.scaled
    if (row.decimals > series.scale) {
      const factor = 10 ** (row.decimals - series.scale)
      for (let k = 0; k < sums.length; k++) {
        sums[k] = sums[k]! * factor
        if (!Number.isNaN(sums[k]) && !Number.isSafeInteger(sums[k])) this.overflowed(row.series_id, series.first + k)
      }
      series.scale = row.decimals
    } else {
      value *= 10 ** (series.scale - row.decimals)
    }
    if (sums.length === 0) series.first = row.year
    if (row.year < series.first) {
      sums.unshift(...Array.from({ length: series.first - row.year }, () => NaN))
      series.first = row.year
    }
    const k = row.year - series.first
    while (sums.length <= k) sums.push(NaN)
    sums[k] = Number.isNaN(sums[k]) ? value : sums[k]! + value
    if (!Number.isSafeInteger(sums[k]) || !Number.isSafeInteger(value)) this.overflowed(row.series_id, row.year)
  }

  open(seriesId: string): void {
    // The series left behind keeps only the room its years take.
    if (this.lastId !== undefined) this.last.sums = this.last.sums.slice()
    const known = this.series.get(seriesId)
    this.last = known ?? noSums()
    if (known === undefined) this.series.set(seriesId, this.last)
    this.lastId = seriesId
  }

  overflowed(series_id: string, year: number): void {
    this.overflow ??= new SumOutOfExactRange({ series_id, year })
  }

  finish(): Effect.Effect<BestYearReport, SumOutOfExactRange> {
    if (this.overflow !== undefined) return Effect.fail(this.overflow)
    const bestYearBySeries: Array<BestYear> = []
    const seriesWithoutQuarters: Array<string> = []
    // The default sort compares UTF-16 code units: the same order on every runtime and locale.
    for (const seriesId of [...this.series.keys()].sort()) {
      const { scale, first, sums } = this.series.get(seriesId)!
      if (sums.length === 0) {
        seriesWithoutQuarters.push(seriesId)
        continue
      }
      // In year order, only a strictly larger sum displaces a year: ties go to the earliest.
      let best = -1
      for (let k = 0; k < sums.length; k++) if (!Number.isNaN(sums[k]) && (best === -1 || sums[k]! > sums[best]!)) best = k
      // One correctly rounded division: the nearest double to the exact decimal sum.
      bestYearBySeries.push({ seriesId, year: first + best, sumQ01Q04: sums[best]! / 10 ** scale })
    }
    return Effect.succeed({ bestYearBySeries, seriesWithoutQuarters })
  }
}

/** The report over rows already in memory (tests, small inputs); the run streams into an accumulator. */
export const bestYearBySeries = (rows: Iterable<BlsRow>): Effect.Effect<BestYearReport, SumOutOfExactRange> => {
  const accumulator = new BestYearAccumulator()
  for (const row of rows) accumulator.add(row)
  return accumulator.finish()
}
