/**
 * The best-year rows of report.json and best-year-by-series.csv written straight from the
 * columns into bytes, in batches of about 64 KB.
 *
 * Why: at a million series these two files are most of a report run's writing, and a row
 * as text costs a decoded name, a template string and its UTF-8 encoding; here a name's
 * characters are copied from the interned names as they are, and only the numbers become
 * strings. A name that is not plain ASCII, or that JSON or CSV would have to escape, is
 * written by the general path, so the bytes are the same either way (tested).
 */
import type { BestYearColumns } from "./reportRows.ts"

const BATCH = 64 * 1024
const QUOTE = 0x22
const BACKSLASH = 0x5c
const COMMA = 0x2c
const encoder = new TextEncoder()

class Batch {
  bytes = new Uint8Array(BATCH)
  used = 0

  /** Room for `n` more bytes; the full batch, if one had to be started. */
  room(n: number): Uint8Array | undefined {
    if (this.used + n <= this.bytes.length) return undefined
    const full = this.bytes.subarray(0, this.used)
    this.bytes = new Uint8Array(Math.max(BATCH, n))
    this.used = 0
    return full
  }

  ascii(text: string): void {
    for (let i = 0; i < text.length; i++) this.bytes[this.used++] = text.charCodeAt(i)
  }

  text(text: string): void {
    this.used += encoder.encodeInto(text, this.bytes.subarray(this.used)).written
  }

  /** Copies the name's characters if each is one plain byte that `escapes` leaves alone; else false, nothing written. */
  plainName(chars: Uint8Array | Uint16Array, from: number, to: number, escapes: (c: number) => boolean): boolean {
    for (let i = from; i < to; i++) {
      const c = chars[i]!
      if (c >= 0x80 || escapes(c)) return false
    }
    for (let i = from; i < to; i++) this.bytes[this.used++] = chars[i]!
    return true
  }
}

const jsonEscapes = (c: number) => c < 0x20 || c === QUOTE || c === BACKSLASH
const csvEscapes = (c: number) => c === QUOTE || c === COMMA || c === 0x0a || c === 0x0d

/**
 * The rows as bytes; `row(k, name)` is the general path (the whole line as text) and `head`
 * / `tail(k)` the fixed text around a plain name.
 */
function* rowBytes(
  columns: BestYearColumns,
  escapes: (c: number) => boolean,
  row: (k: number) => string,
  head: (k: number) => string,
  tail: (k: number) => string
): Iterable<Uint8Array> {
  const batch = new Batch()
  const { names, ids } = columns.series
  for (let k = 0; k < columns.length; k++) {
    const id = ids[k]!
    const from = names.starts[id]!
    const to = names.starts[id + 1]!
    const before = head(k)
    const after = tail(k)
    // Every character of a plain name is one byte; the general path needs at most 6 bytes a character.
    const full = batch.room(before.length + after.length + (to - from) * 6 + 8)
    if (full !== undefined) yield full
    batch.ascii(before)
    if (batch.plainName(names.chars, from, to, escapes)) {
      batch.ascii(after)
    } else {
      batch.used -= before.length
      batch.text(row(k))
    }
  }
  if (batch.used > 0) yield batch.bytes.subarray(0, batch.used)
}

/** report.json's `bestYearBySeries` elements, one a line, the last without its comma. */
export const bestYearJsonBytes = (columns: BestYearColumns): Iterable<Uint8Array> => {
  const { years, sums } = columns
  const comma = (k: number) => (k + 1 < columns.length ? ",\n" : "\n")
  return rowBytes(
    columns,
    jsonEscapes,
    (k) => `    ${JSON.stringify(columns.row(k))}${comma(k)}`,
    () => `    {"seriesId":"`,
    (k) => `","year":${years[k]},"sumQ01Q04":${sums[k]}}${comma(k)}`
  )
}

/** best-year-by-series.csv's rows (no header); `line` is the general path's whole line. */
export const bestYearCsvBytes = (columns: BestYearColumns, line: (k: number) => string): Iterable<Uint8Array> => {
  const { years, sums } = columns
  return rowBytes(columns, csvEscapes, line, () => "", (k) => `,${years[k]},${sums[k]}\n`)
}
