/**
 * A streaming reader of BLS time-series rows (`pr.data.0.Current` and its kin): a header
 * naming the columns (series_id, year, period and value among them, in any order), then one
 * tab-separated row per line, fields padded with spaces, LF or CRLF line ends. Blank lines
 * are skipped; a line that is no row is counted, a few kept as examples, and the read goes on.
 */
import * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"

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
  /** 1-based, header included. */
  readonly line: number
  readonly reason: string
  readonly text: string
}

export interface BlsReadSummary {
  readonly header: ReadonlyArray<string>
  readonly rows: number
  readonly rejected: number
  readonly examples: ReadonlyArray<RejectedLine>
}

export class BlsHeaderInvalid extends Schema.TaggedError<BlsHeaderInvalid>()("BlsHeaderInvalid", {
  /** Empty when the file has no non-blank line. */
  found: Schema.Array(Schema.String),
  missing: Schema.Array(Schema.String)
}) {
  override get message() {
    return this.found.length === 0
      ? `The BLS data file is empty: no header line. Run \`quest sync\` again to fetch a complete copy.`
      : `The BLS data file's header (${this.found.join(", ")}) lacks ${this.missing.join(", ")}; ` +
        `a tab-separated BLS time-series file starts with series_id, year, period, value. ` +
        `Check that the mirrored file is a BLS time-series data file, or run \`quest sync\` again.`
  }
}

export class BlsStreamFailed extends Schema.TaggedError<BlsStreamFailed>()("BlsStreamFailed", {
  detail: Schema.String,
  cause: Schema.optional(Schema.Defect())
}) {
  override get message() {
    return `Reading the BLS data file failed midway: ${this.detail}. Run the reports again; ` +
      `if it keeps failing, check that the store is reachable.`
  }
}

export const REQUIRED_COLUMNS = ["series_id", "year", "period", "value"] as const

/** A longer line is no BLS row; cutting it keeps memory bounded whatever the input. */
const MAX_LINE_CHARS = 64 * 1024
/**
 * Bytes are decoded this many at a time. A piece's text and lines are alive whenever V8
 * collects its young generation, and what survives a collection grows that generation:
 * smaller pieces keep the peak lower.
 */
const PIECE_BYTES = 16 * 1024
const BLANK = /^\s*$/

/** The digit at `i`, or -1. */
const digit = (text: string, i: number) => {
  const code = text.charCodeAt(i) - 48
  return code >= 0 && code <= 9 ? code : -1
}

export const readBlsRows = (
  stream: ReadableStream<Uint8Array>,
  onRow: (row: BlsRow) => void
): Effect.Effect<BlsReadSummary, BlsHeaderInvalid | BlsStreamFailed> =>
  Effect.tryPromise({
    try: async (signal) => {
      let header: Array<string> | undefined
      // Where in `bounds` each required column's field is.
      let [id, year, period, value] = [0, 0, 0, 0]
      let needed = 0
      let bounds = new Int32Array(0)
      let lineNo = 0
      let rows = 0
      const examples: Array<RejectedLine> = []
      let rejected = 0
      let series = ""
      const reject = (line: string, reason: string): undefined => {
        rejected++
        const text = line.trimEnd()
        if (examples.length < 5) examples.push({ line: lineNo, reason, text: text.length > 120 ? text.slice(0, 120) + "…" : text })
        return undefined
      }
      const read = (line: string): BlsHeaderInvalid | undefined => {
        lineNo++
        if (line.length > MAX_LINE_CHARS) return reject(line, `line is longer than ${MAX_LINE_CHARS} characters`)
        if (header === undefined) {
          if (BLANK.test(line)) return undefined
          const names = line.split("\t").map((name) => name.trim())
          const columns = REQUIRED_COLUMNS.map((name) => names.indexOf(name))
          const missing = REQUIRED_COLUMNS.filter((_, i) => columns[i] === -1)
          if (missing.length > 0) return new BlsHeaderInvalid({ found: names, missing })
          header = names
          needed = Math.max(...columns) + 1
          bounds = new Int32Array(2 * needed)
          ;[id, year, period, value] = columns.map((column) => 2 * column) as [number, number, number, number]
          return undefined
        }
        // Each needed field's trimmed bounds, found with indexOf rather than split: a row then
        // makes no string but its period (and its id when the series changes), which halves
        // the time of a large file.
        let count = 0
        for (let from = 0;; count++) {
          const tab = line.indexOf("\t", from)
          let to = tab === -1 ? line.length : tab
          if (count < needed) {
            let start = from
            while (start < to && line.charCodeAt(start) <= 32) start++
            bounds[2 * count] = start
            while (to > start && line.charCodeAt(to - 1) <= 32) to--
            bounds[2 * count + 1] = to
          }
          if (tab === -1) break
          from = tab + 1
        }
        if (++count < needed || count > header.length) {
          // A blank line has too few fields too: it is skipped, not counted.
          return BLANK.test(line) ? undefined : reject(line, `expected ${header.length} tab-separated fields, found ${count}`)
        }
        if (bounds[id] === bounds[id + 1]) return reject(line, "series_id is empty")
        let yearNumber = bounds[year + 1]! - bounds[year]! === 4 ? 0 : NaN
        for (let i = bounds[year]!; i < bounds[year + 1]!; i++) yearNumber = digit(line, i) < 0 ? NaN : yearNumber * 10 + digit(line, i)
        if (Number.isNaN(yearNumber)) return reject(line, "year is not a 4-digit year")
        if (bounds[period] === bounds[period + 1]) return reject(line, "period is empty")
        // The value's digits as one integer, and how many follow the point: exact, and no string made.
        let i = bounds[value]!
        const sign = line[i] === "-" ? -1 : 1
        if (line[i] === "-" || line[i] === "+") i++
        let scaled = 0
        let digits = 0
        let decimals = -1
        for (; i < bounds[value + 1]!; i++) {
          const d = digit(line, i)
          if (d < 0 && (line[i] !== "." || decimals >= 0)) return reject(line, "value is not a decimal number")
          if (d < 0) decimals = 0
          else {
            scaled = scaled * 10 + d
            digits++
            if (decimals >= 0) decimals++
          }
        }
        if (digits === 0) return reject(line, "value is not a decimal number")
        if (digits > 15) return reject(line, "value has too many digits to sum exactly")
        decimals = Math.max(decimals, 0)
        // `|| 0`: "-0.0" is zero, not a negative zero.
        scaled = sign * scaled || 0
        // Rows of a series are contiguous: its id is made once, not once per row. Copied, not
        // sliced: V8 makes a slice of 13 characters or more a view of the text it came from,
        // and a kept id would keep its whole piece of the file.
        if (bounds[id + 1]! - bounds[id]! !== series.length || !line.startsWith(series, bounds[id])) {
          series = line.slice(bounds[id], bounds[id + 1]).split("").join("")
        }
        rows++
        // One correctly rounded division: the nearest double to the decimal as written.
        onRow({ series_id: series, year: yearNumber, period: line.slice(bounds[period], bounds[period + 1]), value: scaled / 10 ** decimals, scaled, decimals })
      }

      const decoder = new TextDecoder()
      let carry = ""
      const lines = (text: string) => {
        const lines = (carry + text).split("\n")
        carry = lines.pop()!.slice(0, MAX_LINE_CHARS + 1)
        return lines
      }
      // An interrupted run cancels the source through the signal.
      for await (const chunk of stream.pipeThrough(new TransformStream(), { signal })) {
        for (let at = 0; at < chunk.length; at += PIECE_BYTES) {
          for (const line of lines(decoder.decode(chunk.subarray(at, at + PIECE_BYTES), { stream: true }))) {
            const invalid = read(line)
            if (invalid !== undefined) return invalid
          }
        }
      }
      const invalid = read(carry + decoder.decode())
      if (invalid !== undefined) return invalid
      return header === undefined
        ? new BlsHeaderInvalid({ found: [], missing: [...REQUIRED_COLUMNS] })
        : { header, rows, rejected, examples }
    },
    catch: (cause) => new BlsStreamFailed({ detail: cause instanceof Error ? cause.message : String(cause), cause })
  }).pipe(Effect.flatMap((read) => read instanceof BlsHeaderInvalid ? Effect.fail(read) : Effect.succeed(read)))
