/**
 * The best-year rows written straight from the columns are byte for byte what the general
 * path writes (JSON.stringify of each row; the CSV's quoting), for plain names and for names
 * that must be escaped or are not ASCII, across many 64 KB batches.
 */
import * as Effect from "effect/Effect"
import { describe, expect, it } from "vitest"
import { BestYearAccumulator } from "../../domain/reports/bestYearBySeries.ts"
import { bestYearJsonBytes } from "../../domain/reports/bestYearBytes.ts"
import { renderCsv } from "../../domain/reports/renderCsv.ts"
import { BestYearColumns, rowsArray } from "../../domain/reports/reportRows.ts"
import { reportTables } from "../../domain/reports/reportTables.ts"
import type { ReportDocument } from "../../domain/reports/reportDocument.ts"
import { textOf } from "../../domain/reports/streamedText.ts"

const awkward = ["PRSÉ0006011", "quo\"te", "com,ma", "back\\slash", "tab\there", "line\nend", "😀 emoji"]

const columnsOf = async () => {
  const accumulator = new BestYearAccumulator()
  // 6,000 plain series (≈ 400 KB of JSON rows: several batches) with the awkward ones among them.
  const names = [...Array.from({ length: 6_000 }, (_, k) => `PRS${String(k).padStart(8, "0")}`), ...awkward]
  names.forEach((name, k) => {
    accumulator.addFields(name, 2000 + (k % 25), "Q01", k * 7 - 20_000, k % 4)
    accumulator.addFields(name, 2001 + (k % 25), "Q02", 13, 1)
  })
  const report = await Effect.runPromise(accumulator.finish())
  expect(report.bestYearBySeries).toBeInstanceOf(BestYearColumns)
  return report.bestYearBySeries as BestYearColumns
}

describe("best-year rows as bytes", () => {
  it("equal JSON.stringify of each row, one a line, the last without a comma", async () => {
    const columns = await columnsOf()
    const rows = rowsArray(columns)
    const expected = rows.map((row, k) => `    ${JSON.stringify(row)}${k + 1 < rows.length ? "," : ""}\n`).join("")
    expect(textOf(bestYearJsonBytes(columns))).toBe(expected)
    expect(rows.map((row) => row.seriesId)).toEqual(expect.arrayContaining(awkward))
  })

  it("equal the CSV the general path writes, quoting where RFC 4180 needs it", async () => {
    const columns = await columnsOf()
    const table = (rows: ReportDocument["bestYearBySeries"]) =>
      reportTables({ bestYearBySeries: rows, seriesWithoutQuarters: [], prs30006032Q01: [], populationStats: { years: [2013], mean: 0, stddevSample: 0, stddevPopulation: 0 }, inputs: {} } as unknown as ReportDocument)
        .find((t) => t.id === "best-year-by-series")!
    const fast = renderCsv(table(columns))
    expect(fast).toBe(renderCsv(table(rowsArray(columns))))
    expect(fast).toContain(`"quo""te",`)
    expect(fast).toContain(`"com,ma",`)
  })
})
