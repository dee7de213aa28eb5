/**
 * A streaming reader of BLS time-series rows (`pr.data.0.Current` and its kin): bytes in,
 * `{series_id, year, period, value}` out, in one pass with bounded memory.
 *
 * The format: a header line, then one row per line; tab-separated; names and fields padded
 * with spaces; LF (or CRLF) line ends. Blank lines are skipped. A line that cannot be read
 * as a row (too few fields, a year that is not a year, a value that is not a number) is
 * counted and a few are kept as examples; it never stops the read.
 *
 * Why bytes rather than text: the files run to hundreds of MB and the reports must keep up
 * with ≥150 MB/s. Splitting on LF and TAB bytes is safe in UTF-8 (neither byte occurs
 * inside a multi-byte character), numbers are parsed straight from the digits, and the
 * few strings a row needs are decoded once and reused: rows of a series are contiguous, and
 * periods are a handful of codes. A row in the exact shape BLS writes (the header's first
 * columns series_id, year, period, value) is read by a straight-line fast path; any other
 * line goes through the general one, which trims, reads fields by role and says what is wrong.
 */
import * as Effect from "effect/Effect"
import { BlsHeaderInvalid, type BlsReadError, BlsStreamFailed } from "./blsRowErrors.ts"

export interface BlsRow {
  readonly series_id: string
  readonly year: number
  readonly period: string
  readonly value: number
  /** `value` × 10^`decimals` as written (`16.4` → 164, 1): integers, so sums of them are exact. */
  readonly scaled: number
  readonly decimals: number
}

export interface RejectedLine {
  /** 1-based line number in the file, header included. */
  readonly line: number
  readonly reason: string
  /** The line as written, cut to a readable length. */
  readonly text: string
}

export interface BlsReadSummary {
  readonly header: ReadonlyArray<string>
  readonly rows: number
  readonly rejected: number
  /** The first few rejected lines, for the message that reports them. */
  readonly examples: ReadonlyArray<RejectedLine>
  readonly bytes: number
}

/**
 * Where the parser hands each row: its fields as arguments, so the hot path allocates
 * nothing per row (12 M row objects were most of a large run's young-generation garbage).
 * `scaled` and `decimals` are as in {@link BlsRow}.
 */
export interface BlsRowSink {
  row(seriesId: string, year: number, period: string, scaled: number, decimals: number): void
}

/** A row from its fields: `value` is `scaled` divided back by 10^`decimals`. */
export const blsRowOf = (series_id: string, year: number, period: string, scaled: number, decimals: number): BlsRow =>
  ({ series_id, year, period, value: scaled / POW10[decimals]!, scaled, decimals })

/** A sink that makes each row a {@link BlsRow} for a callback (tests, small inputs). */
class RowObjects implements BlsRowSink {
  readonly onRow: (row: BlsRow) => void
  constructor(onRow: (row: BlsRow) => void) {
    this.onRow = onRow
  }
  row(series_id: string, year: number, period: string, scaled: number, decimals: number): void {
    this.onRow(blsRowOf(series_id, year, period, scaled, decimals))
  }
}

const sinkOf = (to: BlsRowSink | ((row: BlsRow) => void)): BlsRowSink =>
  typeof to === "function" ? new RowObjects(to) : to

export interface BlsRowParser {
  /** Feeds the next bytes; chunk boundaries may fall anywhere, even inside a character. */
  push(chunk: Uint8Array): BlsHeaderInvalid | undefined
  /** Ends the input, reading a last line that has no line end. */
  end(): BlsReadSummary | BlsHeaderInvalid
}

export const REQUIRED_COLUMNS = ["series_id", "year", "period", "value"] as const

/** A longer line is no BLS row; cutting it off keeps memory bounded whatever the input. */
const MAX_LINE_BYTES = 64 * 1024
const MAX_EXAMPLES = 5
const EXAMPLE_CHARS = 120
/** Largest mantissa that can take one more digit and stay an exact double integer (< 2^53). */
const MAX_MANTISSA = 900_719_925_474_098
const POW10 = Array.from({ length: 23 }, (_, i) => 10 ** i)

// Roles of the fields in a row, in the order of REQUIRED_COLUMNS.
const ROLE_SERIES = 0
const ROLE_YEAR = 1
const ROLE_PERIOD = 2
const ROLE_VALUE = 3
const ROLE_OTHER = 4

const TAB = 9
const LF = 10
const CR = 13
const SPACE = 32
const PLUS = 43
const MINUS = 45
const DOT = 46
const ZERO = 48

const decoder = new TextDecoder()

// What `number` made of a value.
const NUMBER_OK = 0
const NUMBER_NONE = 1
const NUMBER_TOO_LONG = 2
const NUMBER_TOO_PRECISE = 3

/** The incremental parser behind {@link readBlsRows}; a class so the hot paths stay monomorphic. */
class Parser implements BlsRowParser {
  readonly sink: BlsRowSink
  header: ReadonlyArray<string> | undefined = undefined
  failure: BlsHeaderInvalid | undefined = undefined
  /** The role of each field of a row, up to the last one the reports need. */
  roles = new Uint8Array(0)
  /** The header starts series_id, year, period, value, as every BLS data file's does: the fast path applies. */
  standard = false
  // The last number read (see `number`).
  numberStatus = NUMBER_OK
  scaled = 0
  decimals = 0

  lineNo = 0
  rows = 0
  rejected = 0
  bytes = 0
  readonly examples: Array<RejectedLine> = []

  // A line cut by a chunk boundary waits here for its end.
  carry = new Uint8Array(1024)
  carryLen = 0
  overlong = false

  // The last series id, as bytes and as a string: most rows repeat the previous row's id.
  seriesBytes = new Uint8Array(32)
  seriesLen = -1
  series = ""
  /** Period codes of the form letter + two digits (`Q01`, `M13`, `A01`), by number. */
  readonly periodCodes: Array<string | undefined> = new Array(26 * 100).fill(undefined)

  constructor(sink: BlsRowSink) {
    this.sink = sink
  }

  /**
   * Counts a line that is no row. Returns where the line ends (its LF, or `limit` at the end
   * of input), or -1 when the line is not complete yet and must wait for more bytes.
   */
  reject(
    buf: Uint8Array,
    start: number,
    from: number,
    limit: number,
    atEnd: boolean,
    reason: string,
    countFields = true
  ): number {
    let end = buf.indexOf(LF, from)
    if (end === -1 || end >= limit) {
      if (!atEnd) return -1
      end = limit
    }
    this.rejected++
    if (this.examples.length < MAX_EXAMPLES) {
      // A line with the wrong number of fields is reported as such, whichever field gave out first.
      let fields = 1
      for (let i = start; i < end; i++) if (buf[i] === TAB) fields++
      const header = this.header
      if (countFields && header !== undefined && (fields < this.roles.length || fields > header.length)) {
        reason = `expected ${header.length} tab-separated fields, found ${fields}`
      }
      const text = decoder.decode(buf.subarray(start, Math.min(end, start + EXAMPLE_CHARS * 4))).trimEnd()
      this.examples.push({
        line: this.lineNo + 1,
        reason,
        text: text.length > EXAMPLE_CHARS ? text.slice(0, EXAMPLE_CHARS) + "…" : text
      })
    }
    return end
  }

  readHeader(buf: Uint8Array, start: number, end: number): void {
    const names = decoder.decode(buf.subarray(start, end)).replace(/^\uFEFF/, "").split("\t").map((name) =>
      name.trim()
    )
    const columns = REQUIRED_COLUMNS.map((name) => names.indexOf(name))
    const missing = REQUIRED_COLUMNS.filter((_, role) => columns[role] === -1)
    if (missing.length > 0) {
      this.failure = new BlsHeaderInvalid({ found: names, missing })
      return
    }
    this.header = names
    this.roles = new Uint8Array(Math.max(...columns) + 1).fill(ROLE_OTHER)
    columns.forEach((column, role) => this.roles[column] = role)
    this.standard = columns.every((column, role) => column === role)
  }

  /**
   * A row in the shape BLS writes it — `id<spaces>TAB yyyy TAB Lnn TAB <spaces>value...` —
   * read without the general path's per-field dispatch. Returns where the line ends (its LF),
   * or -1 for anything else (another shape, a bad field, no LF before `limit`): the general
   * path then reads the line from its start and says what is wrong with it.
   */
  standardLine(buf: Uint8Array, start: number, limit: number): number {
    let i = start
    let seriesId: string
    const known = this.seriesLen
    const bytes = this.seriesBytes
    let k = 0
    if (known > 0) while (k < known && i + k < limit && buf[i + k] === bytes[k]) k++
    if (known > 0 && k === known && i + k < limit && (buf[i + k] === SPACE || buf[i + k] === TAB)) {
      seriesId = this.series
      i += known
    } else {
      let e = i
      while (e < limit) {
        const c = buf[e]!
        if (c <= SPACE) break
        e++
      }
      if (e === i || e >= limit) return -1
      seriesId = this.seriesOf(buf, i, e)
      i = e
    }
    while (i < limit && buf[i] === SPACE) i++
    if (i + 10 > limit || buf[i] !== TAB) return -1
    // yyyy TAB
    const y0 = buf[i + 1]! - ZERO
    const y1 = buf[i + 2]! - ZERO
    const y2 = buf[i + 3]! - ZERO
    const y3 = buf[i + 4]! - ZERO
    if (y0 < 0 || y0 > 9 || y1 < 0 || y1 > 9 || y2 < 0 || y2 > 9 || y3 < 0 || y3 > 9 || buf[i + 5] !== TAB) return -1
    const year = y0 * 1000 + y1 * 100 + y2 * 10 + y3
    // Lnn TAB
    const letter = buf[i + 6]! - 65
    const tens = buf[i + 7]! - ZERO
    const ones = buf[i + 8]! - ZERO
    if (letter < 0 || letter >= 26 || tens < 0 || tens > 9 || ones < 0 || ones > 9 || buf[i + 9] !== TAB) return -1
    const code = letter * 100 + tens * 10 + ones
    const period = this.periodCodes[code] ??= decoder.decode(buf.subarray(i + 6, i + 9))
    i += 10
    // <spaces>[+-]digits[.digits]<spaces>
    while (i < limit && buf[i] === SPACE) i++
    i = this.number(buf, i, limit)
    if (this.numberStatus !== NUMBER_OK) return -1
    while (i < limit && (buf[i] === SPACE || buf[i] === CR)) i++
    // The fields after the value (the footnotes), to the line's end.
    let fields = 4
    for (; i < limit; i++) {
      const c = buf[i]!
      if (c === LF) break
      if (c === TAB) fields++
      else if (fields === 4) return -1
    }
    if (i >= limit || fields > this.header!.length) return -1
    this.rows++
    this.sink.row(seriesId, year, period, this.scaled, this.decimals)
    return i
  }

  /**
   * Reads `[+-]digits[.digits]` from `from`, stopping at the first byte that does not belong:
   * returns where it stopped; the value in `scaled` and `decimals`, and in `numberStatus`
   * whether it is one (digits, at most 2^53 as an integer, at most 22 decimals).
   */
  number(buf: Uint8Array, from: number, to: number): number {
    let k = from
    let negative = false
    if (k < to && (buf[k] === MINUS || buf[k] === PLUS)) negative = buf[k++] === MINUS
    let mantissa = 0
    let digits = 0
    let decimals = 0
    let dot = false
    for (; k < to; k++) {
      const d = buf[k]! - ZERO
      if (d >= 0 && d <= 9) {
        if (mantissa > MAX_MANTISSA) {
          this.numberStatus = NUMBER_TOO_LONG
          return k
        }
        mantissa = mantissa * 10 + d
        digits++
        if (dot) decimals++
      } else if (d === DOT - ZERO && !dot) {
        dot = true
      } else {
        break
      }
    }
    this.numberStatus = digits === 0 ? NUMBER_NONE : decimals >= POW10.length ? NUMBER_TOO_PRECISE : NUMBER_OK
    this.scaled = negative && mantissa !== 0 ? -mantissa : mantissa
    this.decimals = decimals
    return k
  }

  seriesOf(buf: Uint8Array, a: number, b: number): string {
    const len = b - a
    if (len === this.seriesLen) {
      const known = this.seriesBytes
      let i = 0
      while (i < len && buf[a + i] === known[i]) i++
      if (i === len) return this.series
    }
    if (len > this.seriesBytes.length) this.seriesBytes = new Uint8Array(len * 2)
    this.seriesBytes.set(buf.subarray(a, b))
    this.seriesLen = len
    this.series = decoder.decode(buf.subarray(a, b))
    return this.series
  }

  periodOf(buf: Uint8Array, a: number, b: number): string {
    if (b - a === 3) {
      const letter = buf[a]! - 65
      const tens = buf[a + 1]! - ZERO
      const ones = buf[a + 2]! - ZERO
      if (letter >= 0 && letter < 26 && tens >= 0 && tens <= 9 && ones >= 0 && ones <= 9) {
        const code = letter * 100 + tens * 10 + ones
        return this.periodCodes[code] ??= decoder.decode(buf.subarray(a, b))
      }
    }
    return decoder.decode(buf.subarray(a, b))
  }

  /**
   * Reads the line that starts at `start` (one `standardLine` did not take: another shape,
   * a blank line, the header, a bad row), scanning each byte once. Returns where it ends
   * (its LF, or `limit` when `atEnd` and there is none), or -1 when it runs past `limit`.
   */
  line(buf: Uint8Array, start: number, limit: number, atEnd: boolean): number {
    // A blank line (spaces, tabs, CR only) is skipped.
    let i = start
    while (i < limit) {
      const c = buf[i]!
      if (c > SPACE || c === LF) break
      i++
    }
    if (i === limit) return atEnd ? limit : -1
    if (buf[i] === LF) return i

    const header = this.header
    if (header === undefined) {
      let end = buf.indexOf(LF, i)
      if (end === -1 || end >= limit) {
        if (!atEnd) return -1
        end = limit
      }
      this.readHeader(buf, start, end)
      return end
    }

    // One pass over the line: each field is trimmed while it is scanned, then read by its role.
    const roles = this.roles
    let seriesId = ""
    let year = 0
    let period = ""
    let scaled = 0
    let decimals = 0
    let fields = 0
    i = start
    // Fast path: a row of the same series as the last one starts with its id, then padding.
    const known = this.seriesLen
    if (roles[0] === ROLE_SERIES && known > 0 && start + known < limit) {
      const bytes = this.seriesBytes
      let k = 0
      while (k < known && buf[start + k] === bytes[k]) k++
      if (k === known) {
        let p = start + known
        while (p < limit && buf[p] === SPACE) p++
        if (p < limit && buf[p] === TAB) {
          seriesId = this.series
          fields = 1
          i = p + 1
        }
      }
    }
    for (;;) {
      while (i < limit) {
        const c = buf[i]!
        if (c !== SPACE && c !== CR) break
        i++
      }
      const a = i
      let b = i
      let c = 0
      while (i < limit) {
        c = buf[i]!
        if (c === TAB || c === LF) break
        i++
        if (c > SPACE) b = i
      }
      if (i === limit && !atEnd) return -1
      const role = fields < roles.length ? roles[fields]! : ROLE_OTHER
      fields++
      if (role === ROLE_SERIES) {
        if (a === b) return this.reject(buf, start, i, limit, atEnd, "series_id is empty")
        seriesId = this.seriesOf(buf, a, b)
      } else if (role === ROLE_YEAR) {
        if (b - a !== 4) return this.reject(buf, start, i, limit, atEnd, "year is not a 4-digit year")
        year = 0
        for (let k = a; k < b; k++) {
          const d = buf[k]! - ZERO
          if (d < 0 || d > 9) return this.reject(buf, start, i, limit, atEnd, "year is not a 4-digit year")
          year = year * 10 + d
        }
      } else if (role === ROLE_PERIOD) {
        if (a === b) return this.reject(buf, start, i, limit, atEnd, "period is empty")
        period = this.periodOf(buf, a, b)
      } else if (role === ROLE_VALUE) {
        // [+-]digits[.digits], read as an integer mantissa and a count of decimals
        const stop = this.number(buf, a, b)
        const status = this.numberStatus
        if (status === NUMBER_TOO_LONG) {
          return this.reject(buf, start, i, limit, atEnd, "value has too many digits to sum exactly")
        }
        if (stop !== b || status === NUMBER_NONE) return this.reject(buf, start, i, limit, atEnd, "value is not a decimal number")
        if (status === NUMBER_TOO_PRECISE) {
          return this.reject(buf, start, i, limit, atEnd, "value has too many decimals to sum exactly")
        }
        scaled = this.scaled
        decimals = this.decimals
      }
      if (i === limit || c === LF) break
      i++ // the tab
    }
    if (fields < roles.length || fields > header.length) {
      return this.reject(buf, start, i, limit, atEnd, `expected ${header.length} tab-separated fields, found ${fields}`)
    }
    this.rows++
    this.sink.row(seriesId, year, period, scaled, decimals)
    return i
  }

  /** Reads the complete lines of `buf` from `pos`; returns where the unfinished last line starts. */
  lines(buf: Uint8Array, pos: number, limit: number, atEnd: boolean): number {
    while (pos < limit && this.failure === undefined) {
      // A row in BLS's own shape is read here, one call a line fewer: that counts while V8
      // still runs the code unoptimised, which is the whole of a small file.
      let end = this.standard ? this.standardLine(buf, pos, limit) : -1
      if (end === -1) end = this.line(buf, pos, limit, atEnd)
      if (end === -1) return pos
      this.lineNo++
      pos = end + 1
    }
    return pos
  }

  appendCarry(chunk: Uint8Array, from: number, to: number): void {
    if (this.overlong) return
    const len = to - from
    if (this.carryLen + len > MAX_LINE_BYTES) {
      // Keep only the start of the line, for the example in the message.
      const keep = Math.min(this.carryLen + len, EXAMPLE_CHARS * 4)
      if (this.carryLen < keep) this.carry.set(chunk.subarray(from, from + keep - this.carryLen), this.carryLen)
      this.carryLen = keep
      this.overlong = true
      return
    }
    if (this.carryLen + len > this.carry.length) {
      const grown = new Uint8Array(Math.min(MAX_LINE_BYTES, Math.max(this.carry.length * 2, this.carryLen + len)))
      grown.set(this.carry.subarray(0, this.carryLen))
      this.carry = grown
    }
    this.carry.set(chunk.subarray(from, to), this.carryLen)
    this.carryLen += len
  }

  /** The carried line is complete (its LF arrived, or the input ended). */
  carriedLine(): void {
    if (this.overlong) {
      this.reject(this.carry, 0, 0, this.carryLen, true, `line is longer than ${MAX_LINE_BYTES} bytes`, false)
      this.lineNo++
    } else {
      this.lines(this.carry, 0, this.carryLen, true)
    }
    this.carryLen = 0
    this.overlong = false
  }

  push(chunk: Uint8Array): BlsHeaderInvalid | undefined {
    if (this.failure !== undefined) return this.failure
    this.bytes += chunk.length
    let pos = 0
    if (this.carryLen > 0 || this.overlong) {
      const nl = chunk.indexOf(LF)
      if (nl === -1) {
        this.appendCarry(chunk, 0, chunk.length)
        return undefined
      }
      this.appendCarry(chunk, 0, nl)
      this.carriedLine()
      pos = nl + 1
    }
    pos = this.lines(chunk, pos, chunk.length, false)
    if (pos < chunk.length && this.failure === undefined) this.appendCarry(chunk, pos, chunk.length)
    return this.failure
  }

  end(): BlsReadSummary | BlsHeaderInvalid {
    if (this.failure === undefined && (this.carryLen > 0 || this.overlong)) this.carriedLine()
    if (this.failure !== undefined) return this.failure
    if (this.header === undefined) return new BlsHeaderInvalid({ found: [], missing: [...REQUIRED_COLUMNS] })
    return {
      header: this.header,
      rows: this.rows,
      rejected: this.rejected,
      examples: this.examples,
      bytes: this.bytes
    }
  }
}

export const makeBlsRowParser = (to: BlsRowSink | ((row: BlsRow) => void)): BlsRowParser => new Parser(sinkOf(to))

type Outcome =
  | { readonly _tag: "Read"; readonly summary: BlsReadSummary }
  | { readonly _tag: "Invalid"; readonly error: BlsHeaderInvalid }
  | { readonly _tag: "Defect"; readonly cause: unknown }

/**
 * Reads every row of a BLS data stream, handing each to `to` (a sink, or a callback that
 * gets row objects) as it is parsed. `onChunk` sees the raw bytes first (to hash them in
 * the same pass).
 */
export const readBlsRows = (
  stream: ReadableStream<Uint8Array>,
  to: BlsRowSink | ((row: BlsRow) => void),
  options: { readonly onChunk?: (chunk: Uint8Array) => void } = {}
): Effect.Effect<BlsReadSummary, BlsReadError> =>
  Effect.tryPromise({
    try: async (signal): Promise<Outcome> => {
      const parser = makeBlsRowParser(to)
      const reader = stream.getReader()
      const cancel = () => void reader.cancel().catch(() => undefined)
      signal.addEventListener("abort", cancel)
      try {
        for (;;) {
          const { done, value } = await reader.read()
          if (done) {
            const summary = parser.end()
            return summary instanceof BlsHeaderInvalid
              ? { _tag: "Invalid", error: summary }
              : { _tag: "Read", summary }
          }
          // A throwing callback is a bug in the caller, not a broken stream: keep them apart.
          let invalid: BlsHeaderInvalid | undefined
          try {
            options.onChunk?.(value)
            invalid = parser.push(value)
          } catch (cause) {
            cancel()
            return { _tag: "Defect", cause }
          }
          if (invalid !== undefined) {
            cancel()
            return { _tag: "Invalid", error: invalid }
          }
        }
      } finally {
        // The lock is not released: the stream has ended or been cancelled, and Node builds
        // the error a released reader keeps in a context of its own (~2 ms, once a process).
        signal.removeEventListener("abort", cancel)
      }
    },
    catch: (cause) => new BlsStreamFailed({ detail: String(cause), cause })
  }).pipe(
    Effect.flatMap((outcome) =>
      outcome._tag === "Read"
        ? Effect.succeed(outcome.summary)
        : outcome._tag === "Invalid"
        ? Effect.fail(outcome.error)
        : Effect.die(outcome.cause)
    )
  )
