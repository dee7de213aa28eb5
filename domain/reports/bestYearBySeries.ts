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
 * (small arrays); when the next series starts, its per-year sums move into compact shared
 * blocks (10 bytes a year). Any row order stays correct: a series seen again is reopened
 * from its blocks.
 */
import { Effect, Schema } from "effect"
import type { BlsRow } from "./blsRows.ts"

export interface BestYear {
  readonly series_id: string
  readonly year: number
  readonly value: number
}

export interface BestYearReport {
  /** Sorted by series_id. */
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
export const isQuarter = (period: string): boolean => {
  if (period.length !== 3 || period.charCodeAt(0) !== 81 /* Q */ || period.charCodeAt(1) !== 48 /* 0 */) {
    return false
  }
  const quarter = period.charCodeAt(2) - 48
  return quarter >= 1 && quarter <= 4
}

const POW10 = Array.from({ length: 23 }, (_, i) => 10 ** i)
const BLOCK = 65_536
const isExact = (sum: number) => sum <= Number.MAX_SAFE_INTEGER && sum >= -Number.MAX_SAFE_INTEGER

export class BestYearAccumulator {
  // Every series seen, by first appearance.
  readonly ids = new Map<string, number>()
  readonly names: Array<string> = []
  readonly scales: Array<number> = []
  readonly hasQuarter: Array<boolean> = []
  // Where a closed series' per-year sums sit in the blocks.
  readonly segBlock: Array<number> = []
  readonly segStart: Array<number> = []
  readonly segCount: Array<number> = []

  readonly blockYears: Array<Uint16Array> = []
  readonly blockSums: Array<Float64Array> = []
  blockUsed = BLOCK
  live = 0
  garbage = 0

  // The open series.
  current = -1
  currentName: string | undefined = undefined
  scale = 0
  years: Array<number> = []
  sums: Array<number> = []
  last = -1

  overflow: SumOutOfExactRange | undefined = undefined

  add(row: BlsRow): void {
    if (row.series_id !== this.currentName) this.open(row.series_id)
    if (!isQuarter(row.period)) return
    this.hasQuarter[this.current] = true
    let value = row.scaled
    if (row.decimals > this.scale) {
      const factor = POW10[row.decimals - this.scale]!
      for (let k = 0; k < this.sums.length; k++) this.sums[k] = this.sums[k]! * factor
      this.scale = row.decimals
    } else if (row.decimals < this.scale) {
      value *= POW10[this.scale - row.decimals]!
    }
    let k = this.last
    if (k < 0 || this.years[k] !== row.year) {
      k = this.years.indexOf(row.year)
      if (k < 0) {
        k = this.years.length
        this.years.push(row.year)
        this.sums.push(0)
      }
      this.last = k
    }
    const sum = this.sums[k]! + value
    this.sums[k] = sum
    if (!isExact(sum) || !isExact(value)) {
      this.overflow ??= new SumOutOfExactRange({ series_id: row.series_id, year: row.year })
    }
  }

  open(name: string): void {
    this.close()
    let id = this.ids.get(name)
    if (id === undefined) {
      id = this.names.length
      this.ids.set(name, id)
      this.names.push(name)
      this.scales.push(0)
      this.hasQuarter.push(false)
      this.segBlock.push(-1)
      this.segStart.push(0)
      this.segCount.push(0)
    } else if (this.segCount[id]! > 0) {
      this.reopen(id)
    }
    this.current = id
    this.currentName = name
    this.scale = this.scales[id]!
  }

  close(): void {
    const id = this.current
    if (id < 0) return
    this.scales[id] = this.scale
    const n = this.years.length
    if (n > 0) {
      const block = this.room(n)
      const years = this.blockYears[block]!
      const sums = this.blockSums[block]!
      for (let k = 0; k < n; k++) {
        years[this.blockUsed + k] = this.years[k]!
        sums[this.blockUsed + k] = this.sums[k]!
      }
      this.segBlock[id] = block
      this.segStart[id] = this.blockUsed
      this.segCount[id] = n
      this.blockUsed += n
      this.live += n
    }
    this.years = []
    this.sums = []
    this.last = -1
    this.current = -1
    this.currentName = undefined
  }

  /** The block with room for `n` more years (a segment never spans two blocks), from `blockUsed`. */
  room(n: number): number {
    if (this.blockUsed + n > BLOCK) {
      this.blockYears.push(new Uint16Array(BLOCK))
      this.blockSums.push(new Float64Array(BLOCK))
      this.blockUsed = 0
    }
    return this.blockYears.length - 1
  }

  /** A series seen again after others: its sums come back from the blocks into the open arrays. */
  reopen(id: number): void {
    const years = this.blockYears[this.segBlock[id]!]!
    const sums = this.blockSums[this.segBlock[id]!]!
    const start = this.segStart[id]!
    const n = this.segCount[id]!
    for (let k = 0; k < n; k++) {
      this.years.push(years[start + k]!)
      this.sums.push(sums[start + k]!)
    }
    this.segCount[id] = 0
    this.live -= n
    this.garbage += n
    if (this.garbage > BLOCK && this.garbage > this.live) this.compact()
  }

  /** Drops the space of reopened segments, so unsorted input cannot grow memory without bound. */
  compact(): void {
    const oldYears = this.blockYears.splice(0)
    const oldSums = this.blockSums.splice(0)
    this.blockUsed = BLOCK
    for (let id = 0; id < this.names.length; id++) {
      const n = this.segCount[id]!
      if (n === 0) continue
      const block = this.room(n)
      const from = this.segStart[id]!
      this.blockYears[block]!.set(oldYears[this.segBlock[id]!]!.subarray(from, from + n), this.blockUsed)
      this.blockSums[block]!.set(oldSums[this.segBlock[id]!]!.subarray(from, from + n), this.blockUsed)
      this.segBlock[id] = block
      this.segStart[id] = this.blockUsed
      this.blockUsed += n
    }
    this.garbage = 0
  }

  finish(): Effect.Effect<BestYearReport, SumOutOfExactRange> {
    this.close()
    if (this.overflow !== undefined) return Effect.fail(this.overflow)
    const order = this.names.map((_, id) => id).sort((a, b) => compareIds(this.names[a]!, this.names[b]!))
    const bestYearBySeries: Array<BestYear> = []
    const seriesWithoutQuarters: Array<string> = []
    for (const id of order) {
      const name = this.names[id]!
      if (!this.hasQuarter[id]) {
        seriesWithoutQuarters.push(name)
        continue
      }
      const years = this.blockYears[this.segBlock[id]!]!
      const sums = this.blockSums[this.segBlock[id]!]!
      let bestYear = -1
      let bestSum = 0
      for (let k = this.segStart[id]!, end = k + this.segCount[id]!; k < end; k++) {
        const year = years[k]!
        const sum = sums[k]!
        if (bestYear === -1 || sum > bestSum || (sum === bestSum && year < bestYear)) {
          bestYear = year
          bestSum = sum
        }
      }
      // One correctly rounded division: the nearest double to the exact decimal sum.
      bestYearBySeries.push({ series_id: name, year: bestYear, value: bestSum / POW10[this.scales[id]!]! })
    }
    return Effect.succeed({ bestYearBySeries, seriesWithoutQuarters })
  }
}

/** Code-unit order, the same on every runtime and locale (unlike localeCompare). */
const compareIds = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0)

/** The report over rows already in memory (tests, small inputs); the run streams into an accumulator. */
export const bestYearBySeries = (rows: Iterable<BlsRow>): Effect.Effect<BestYearReport, SumOutOfExactRange> => {
  const accumulator = new BestYearAccumulator()
  for (const row of rows) accumulator.add(row)
  return accumulator.finish()
}
