/**
 * Per-year sums of many series, packed so that a large input (tens of thousands of series ×
 * decades) costs a few bytes a year instead of a JavaScript object each.
 *
 * A series' sums are stored as one segment: its years `first … first+count-1` as slots of an
 * Int32 block (4 bytes a year, absent years marked), or of a Float64 block when a sum does not
 * fit 32 bits. Blocks are fixed-size and never copied on growth, so memory moves in small
 * steps. A segment taken back out (its series appeared again) leaves a hole; holes are
 * compacted away once they outweigh the live segments.
 */
const BLOCK = 65_536
const ABSENT_INT = -2_147_483_648
const FIELDS = 4 // per series: block (≥0 Int32, ≤-2 Float64, -1 none), start, count, first year

const fitsInt32 = (sum: number) => sum > ABSENT_INT && sum <= 2_147_483_647

class Blocks<A extends Int32Array | Float64Array> {
  readonly make: () => A
  readonly list: Array<A> = []
  used = BLOCK

  constructor(make: () => A) {
    this.make = make
  }

  /** The block with room for `n` more slots from `used`: a segment never spans two blocks. */
  room(n: number): number {
    if (this.used + n > BLOCK) {
      this.list.push(this.make())
      this.used = 0
    }
    return this.list.length - 1
  }
}

export class PackedYearSums {
  meta = new Int32Array(FIELDS * 1024).fill(-1)
  ints = new Blocks(() => new Int32Array(BLOCK))
  floats = new Blocks(() => new Float64Array(BLOCK))
  live = 0
  holes = 0
  /** The sum of the last `bestYear` answer. */
  bestSum = 0

  has(id: number): boolean {
    return FIELDS * id < this.meta.length && this.meta[FIELDS * id]! !== -1
  }

  /** Stores a series' sums (`years` distinct, any order). */
  save(id: number, years: ReadonlyArray<number>, sums: ReadonlyArray<number>): void {
    if (years.length === 0) return
    let first = years[0]!
    let last = first
    let wide = false
    for (let k = 0; k < years.length; k++) {
      first = Math.min(first, years[k]!)
      last = Math.max(last, years[k]!)
      if (!fitsInt32(sums[k]!)) wide = true
    }
    const count = last - first + 1
    const blocks: Blocks<Int32Array | Float64Array> = wide ? this.floats : this.ints
    const block = blocks.room(count)
    const start = blocks.used
    const slots = blocks.list[block]!
    slots.fill(wide ? NaN : ABSENT_INT, start, start + count)
    for (let k = 0; k < years.length; k++) slots[start + years[k]! - first] = sums[k]!
    blocks.used += count
    this.live += count
    this.setMeta(id, wide ? -2 - block : block, start, count, first)
  }

  /** The slots of a stored series (from `meta[FIELDS * id + 1]`, `count` of them). */
  slotsOf(id: number): Int32Array | Float64Array {
    const block = this.meta[FIELDS * id]!
    return block >= 0 ? this.ints.list[block]! : this.floats.list[-2 - block]!
  }

  /** The year with the largest sum (the earliest of equal ones), or -1 when none; its sum in `bestSum`. */
  bestYear(id: number): number {
    if (!this.has(id)) return -1
    const slots = this.slotsOf(id)
    const start = this.meta[FIELDS * id + 1]!
    const count = this.meta[FIELDS * id + 2]!
    let best = -1
    for (let k = 0; k < count; k++) {
      const sum = slots[start + k]!
      if (sum === ABSENT_INT || Number.isNaN(sum)) continue
      // Slots are in year order: only a strictly larger sum displaces an earlier year.
      if (best === -1 || sum > this.bestSum) {
        best = k
        this.bestSum = sum
      }
    }
    return best === -1 ? -1 : this.meta[FIELDS * id + 3]! + best
  }

  /** Moves a series' sums back out (appending to `years`, `sums`), leaving a hole. */
  take(id: number, years: Array<number>, sums: Array<number>): void {
    if (!this.has(id)) return
    const slots = this.slotsOf(id)
    const start = this.meta[FIELDS * id + 1]!
    const count = this.meta[FIELDS * id + 2]!
    const first = this.meta[FIELDS * id + 3]!
    for (let k = 0; k < count; k++) {
      const sum = slots[start + k]!
      if (sum === ABSENT_INT || Number.isNaN(sum)) continue
      years.push(first + k)
      sums.push(sum)
    }
    this.meta[FIELDS * id] = -1
    this.live -= count
    this.holes += count
    if (this.holes > BLOCK && this.holes > this.live) this.compact()
  }

  compact(): void {
    const old = { meta: this.meta, ints: this.ints.list, floats: this.floats.list }
    this.meta = new Int32Array(old.meta.length).fill(-1)
    this.ints = new Blocks(() => new Int32Array(BLOCK))
    this.floats = new Blocks(() => new Float64Array(BLOCK))
    for (let at = 0; at < old.meta.length; at += FIELDS) {
      const block = old.meta[at]!
      if (block === -1) continue
      const start = old.meta[at + 1]!
      const count = old.meta[at + 2]!
      const blocks: Blocks<Int32Array | Float64Array> = block >= 0 ? this.ints : this.floats
      const from = block >= 0 ? old.ints[block]! : old.floats[-2 - block]!
      const to = blocks.room(count)
      blocks.list[to]!.set(from.subarray(start, start + count), blocks.used)
      this.setMeta(at / FIELDS, block >= 0 ? to : -2 - to, blocks.used, count, old.meta[at + 3]!)
      blocks.used += count
    }
    this.holes = 0
  }

  setMeta(id: number, block: number, start: number, count: number, first: number): void {
    const at = FIELDS * id
    if (at + FIELDS > this.meta.length) {
      const grown = new Int32Array(Math.max(this.meta.length * 2, at + FIELDS)).fill(-1)
      grown.set(this.meta)
      this.meta = grown
    }
    this.meta[at] = block
    this.meta[at + 1] = start
    this.meta[at + 2] = count
    this.meta[at + 3] = first
  }
}
