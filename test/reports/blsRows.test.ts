/** Reading BLS rows from a byte stream: the real file, its variants, bad lines, and cuts anywhere. */
import * as Effect from "effect/Effect"
import { describe, expect, it } from "vitest"
import { type BlsRow, readBlsRows } from "../../domain/reports/blsRows.ts"
import { failureOf } from "../support/pipelineLayer.ts"
import { blsFile, blsFixture, byteChunks, HEADER, randomChunks, row, seeded, streamOf } from "./blsStreams.ts"

const read = async (input: Parameters<typeof streamOf>[0]) => {
  const rows: Array<BlsRow> = []
  const summary = await Effect.runPromise(readBlsRows(streamOf(input), (r) => rows.push(r)))
  return { rows, summary }
}

/** The fixture read the plainest way, line by line with split and trim: what the reader must match. */
const referenceRows = (text: string) =>
  text.split("\n").slice(1).filter((line) => line.trim() !== "").map((line) => {
    const [series_id, year, period, value] = line.split("\t").map((field) => field.trim())
    return { series_id, year: Number(year), period, value: Number(value) }
  })

describe("reading BLS rows", () => {
  it("reads every row of the real file, trimmed and typed", async () => {
    const { rows, summary } = await read(blsFixture)
    expect(summary).toMatchObject({ rows: 38232, rejected: 0, examples: [] })
    expect(summary.header).toEqual(["series_id", "year", "period", "value", "footnote_codes"])
    expect(rows[0]).toEqual({ series_id: "PRS30006011", year: 1995, period: "Q01", value: 2.6, scaled: 26, decimals: 1 })
    expect(rows.map(({ series_id, year, period, value }) => ({ series_id, year, period, value }))).toEqual(
      referenceRows(new TextDecoder().decode(blsFixture))
    )
    expect(new Set(rows.map((r) => r.series_id)).size).toBe(282)
  })

  it("gives the same rows whatever the chunk boundaries", async () => {
    const whole = await read(blsFixture)
    for (const [seed, size] of [[1, 700], [2, 700], [3, 13]] as const) {
      expect(await read(randomChunks(blsFixture, size, seeded(seed)))).toEqual(whole)
    }
  })

  it("reads a hand-made file the same one byte at a time through a stream", async () => {
    const text = blsFile([
      row("PRS30006011", 1995, "Q01", "2.6"),
      "",
      row("PRSÉ0006011", 1995, "Q02", "-0.5"),
      "garbage",
      row("PRS30006011", 1995, "Q03", "1.25", "R")
    ], "\r\n")
    const bytes = new TextEncoder().encode(text)
    expect(await read(byteChunks(bytes))).toEqual(await read(bytes))
    expect((await read(byteChunks(bytes))).rows.map((r) => r.series_id)).toEqual(["PRS30006011", "PRSÉ0006011", "PRS30006011"])
  })

  it("reads the real file the same with its columns in another order", async () => {
    const text = new TextDecoder().decode(blsFixture)
    const reordered = text.split("\n").map((line) => {
      if (line === "") return line
      const [series, year, period, value, ...rest] = line.split("\t")
      return [value, period, series, year, ...rest].join("\t")
    }).join("\n")
    const asWritten = await read(text)
    const other = await read(reordered)
    expect(asWritten.rows).toHaveLength(38232)
    expect(other.rows).toEqual(asWritten.rows)
    expect(other.summary).toMatchObject({ rows: asWritten.summary.rows, rejected: 0 })
  })

  it("trims padded header names and fields, and reads the columns by name", async () => {
    const { rows } = await read(
      "  period \t value   \t series_id\t year\n   Q02\t  -1.50 \t  PRS1 \t 2001 \n"
    )
    expect(rows).toEqual([{ series_id: "PRS1", year: 2001, period: "Q02", value: -1.5, scaled: -150, decimals: 2 }])
  })

  it("reads CRLF line ends, skips blank lines, and takes a last line without a line end", async () => {
    const text = "\r\n" + HEADER + "\r\n\r\n" + row("A", 2000, "Q01", "1.0") + "\r\n   \t \r\n" + row("A", 2000, "Q02", "2.5")
    const { rows, summary } = await read(text)
    expect(rows.map((r) => [r.series_id, r.period, r.value])).toEqual([["A", "Q01", 1], ["A", "Q02", 2.5]])
    expect(summary).toMatchObject({ rows: 2, rejected: 0 })

    // The line end right after a field that is read (no footnote column).
    const bare = await read("series_id\tyear\tperiod\tvalue\r\nA\t2000\tQ01\t1.5\r\nA\t2000\tQ02\t-2\r\n")
    expect(bare.rows.map((r) => r.value)).toEqual([1.5, -2])
    expect(bare.summary.rejected).toBe(0)
  })

  it("counts lines that are not rows, keeps the first few with their line numbers, and reads on", async () => {
    const bad = [
      "PRS30006011\t1995\tQ01", // too few fields
      row("PRS30006011", "95", "Q01", "1"), // not a year
      row("PRS30006011", 1995, "Q01", "n/a"), // not a number
      row("PRS30006011", 1995, "Q01", "1.2.3"),
      row("PRS30006011", 1995, "Q01", "-"),
      row("", 1995, "Q01", "1"), // no series
      row("PRS30006011", 1995, "Q01", "1") + "\textra", // too many fields
      row("PRS30006011", 1995, "", "1") // no period
    ]
    const { rows, summary } = await read(blsFile([row("A", 2000, "Q01", "1"), ...bad, row("A", 2000, "Q02", "2")]))
    expect(rows.map((r) => r.value)).toEqual([1, 2])
    expect(summary.rows).toBe(2)
    expect(summary.rejected).toBe(bad.length)
    expect(summary.examples).toHaveLength(5)
    expect(summary.examples[0]).toEqual({
      line: 3,
      reason: "expected 5 tab-separated fields, found 3",
      text: "PRS30006011\t1995\tQ01"
    })
    expect(summary.examples.map((example) => [example.line, example.reason])).toEqual([
      [3, "expected 5 tab-separated fields, found 3"],
      [4, "year is not a 4-digit year"],
      [5, "value is not a decimal number"],
      [6, "value is not a decimal number"],
      [7, "value is not a decimal number"]
    ])
  })

  it("reads values as exact scaled integers: signs, leading zeros, a bare point", async () => {
    const values = ["+3", "-0.0", "007.250", ".5", "5.", "564.713", "-12.1"]
    const { rows } = await read(blsFile(values.map((value) => row("A", 2000, "Q01", value))))
    expect(rows.map((r) => [r.value, r.scaled, r.decimals])).toEqual([
      [3, 3, 0],
      [0, 0, 1],
      [7.25, 7250, 3],
      [0.5, 5, 1],
      [5, 5, 0],
      [564.713, 564713, 3],
      [-12.1, -121, 1]
    ])
  })

  it("rejects a line too long to be a row without holding it, even cut into chunks", async () => {
    const long = "X".repeat(200_000)
    const bytes = new TextEncoder().encode(blsFile([row("A", 2000, "Q01", "1"), long, row("A", 2000, "Q02", "2")]))
    const { rows, summary } = await read(randomChunks(bytes, 5000))
    expect(rows.map((r) => r.value)).toEqual([1, 2])
    expect(summary.rejected).toBe(1)
    expect(summary.examples[0]?.reason).toMatch(/longer than/)
    expect(summary.examples[0]?.text.length).toBeLessThanOrEqual(121)
  })

  it("fails with a typed error when the header lacks a column, or the file is empty", async () => {
    const noValue = failureOf(await Effect.runPromiseExit(readBlsRows(streamOf("series_id\tyear\tperiod\nA\t2000\tQ01\n"), () => {})))
    expect(noValue).toMatchObject({ _tag: "BlsHeaderInvalid", missing: ["value"] })
    expect(noValue.message).toContain("lacks value")

    const empty = failureOf(await Effect.runPromiseExit(readBlsRows(streamOf("\n\n"), () => {})))
    expect(empty).toMatchObject({ _tag: "BlsHeaderInvalid", found: [] })
    expect(empty.message).toMatch(/empty/)
  })

  it("fails with a typed error when the stream breaks", async () => {
    let sent = false
    const broken = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent) return controller.error(new Error("connection reset"))
        sent = true
        controller.enqueue(new TextEncoder().encode(blsFile([row("A", 2000, "Q01", "1")])))
      }
    })
    const error = failureOf(await Effect.runPromiseExit(readBlsRows(broken, () => {})))
    expect(error._tag).toBe("BlsStreamFailed")
    expect(error.message).toContain("connection reset")
  })
})
