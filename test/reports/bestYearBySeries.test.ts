/** Best year per series: the quest's example, ties, Q05, exact decimal sums, and any row order. */
import * as Effect from "effect/Effect"
import { describe, expect, it } from "vitest"
import { BestYearAccumulator, bestYearBySeries } from "../../domain/reports/bestYearBySeries.ts"
import { type BlsRow, readBlsRows } from "../../domain/reports/blsRows.ts"
import { failureOf } from "../support/pipelineLayer.ts"
import { blsFile, blsFixture, row, seeded, streamOf } from "./blsStreams.ts"

/** Rows as the reader makes them, from `[series, year, period, value text]`. */
const rowsOf = async (lines: ReadonlyArray<readonly [string, number, string, string]>) => {
  const rows: Array<BlsRow> = []
  await Effect.runPromise(
    readBlsRows(streamOf(blsFile(lines.map(([s, y, p, v]) => row(s, y, p, v)))), (r) => rows.push(r))
  )
  return rows
}
const best = async (lines: ReadonlyArray<readonly [string, number, string, string]>) =>
  Effect.runPromise(bestYearBySeries(await rowsOf(lines)))

const fixtureRows = async () => {
  const rows: Array<BlsRow> = []
  await Effect.runPromise(readBlsRows(streamOf(blsFixture), (r) => rows.push(r)))
  return rows
}

describe("best year by series", () => {
  it("answers the quest's own example", async () => {
    const report = await best([
      ["PRS30006011", 1995, "Q01", "1"],
      ["PRS30006011", 1995, "Q02", "2"],
      ["PRS30006011", 1996, "Q01", "3"],
      ["PRS30006011", 1996, "Q02", "4"],
      ["PRS30006012", 2000, "Q01", "0"],
      ["PRS30006012", 2000, "Q02", "8"],
      ["PRS30006012", 2001, "Q01", "2"],
      ["PRS30006012", 2001, "Q02", "3"]
    ])
    expect(report).toEqual({
      bestYearBySeries: [
        { seriesId: "PRS30006011", year: 1996, sumQ01Q04: 7 },
        { seriesId: "PRS30006012", year: 2000, sumQ01Q04: 8 }
      ],
      seriesWithoutQuarters: []
    })
  })

  it("gives a tie to the earliest year, whatever order the years come in", async () => {
    const report = await best([
      ["S", 2003, "Q01", "5"],
      ["S", 2001, "Q01", "2"],
      ["S", 2001, "Q02", "3"],
      ["S", 2002, "Q01", "1"]
    ])
    expect(report.bestYearBySeries).toEqual([{ seriesId: "S", year: 2001, sumQ01Q04: 5 }])
  })

  it("leaves out Q05 (the annual average) and lists series that have no quarter", async () => {
    const report = await best([
      ["A", 2000, "Q01", "1"],
      ["A", 2000, "Q05", "100"],
      ["A", 2001, "Q01", "2"],
      ["B", 2000, "Q05", "9"],
      ["C", 2000, "M01", "9"],
      ["C", 2000, "Q5", "9"]
    ])
    expect(report).toEqual({
      bestYearBySeries: [{ seriesId: "A", year: 2001, sumQ01Q04: 2 }],
      seriesWithoutQuarters: ["B", "C"]
    })
  })

  it("sums exactly to the data's decimals", async () => {
    const report = await best([
      ["A", 2022, "Q01", "2.6"],
      ["A", 2022, "Q02", "13.8"],
      ["B", 2000, "Q01", "0.1"],
      ["B", 2000, "Q02", "0.2"],
      ["C", 2000, "Q01", "1.25"],
      ["C", 2000, "Q02", "0.1"],
      ["C", 2000, "Q03", "-0.005"],
      ["D", 1998, "Q01", "1.001"],
      ["D", 1998, "Q02", "2.002"]
    ])
    // Floating-point addition gives 16.400000000000002, 0.30000000000000004, 1.3450000000000002, 3.0029999999999997.
    expect(report.bestYearBySeries.map((b) => String(b.sumQ01Q04))).toEqual(["16.4", "0.3", "1.345", "3.003"])
  })

  it("keeps sums beyond 32 bits, and years far apart, through series seen again", async () => {
    const report = await best([
      ["A", 1950, "Q01", "2147483.647"],
      ["A", 1950, "Q02", "0.001"],
      ["B", 2000, "Q01", "1"],
      ["A", 2020, "Q01", "2147483.649"],
      ["B", 2000, "Q02", "1"],
      ["A", 1950, "Q03", "0.001"]
    ])
    expect(report.bestYearBySeries).toEqual([
      { seriesId: "A", year: 1950, sumQ01Q04: 2147483.649 },
      { seriesId: "B", year: 2000, sumQ01Q04: 2 }
    ])
  })

  it("does not depend on the order of rows: interleaved series give the sorted result", async () => {
    const rows = await fixtureRows()
    const sorted = await Effect.runPromise(bestYearBySeries(rows))
    const random = seeded(11)
    const shuffled = [...rows]
    for (let i = shuffled.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1))
      ;[shuffled[i], shuffled[j]] = [shuffled[j]!, shuffled[i]!]
    }
    const accumulator = new BestYearAccumulator()
    for (const r of shuffled) accumulator.add(r)
    const reopened = await Effect.runPromise(accumulator.finish())
    expect(reopened.bestYearBySeries).toEqual(sorted.bestYearBySeries)
    expect(reopened.seriesWithoutQuarters).toEqual(sorted.seriesWithoutQuarters)
  })

  it("finds 237 series with a best year and 45 without quarters in the real file", async () => {
    const report = await Effect.runPromise(bestYearBySeries(await fixtureRows()))
    expect(report.bestYearBySeries).toHaveLength(237)
    expect(report.seriesWithoutQuarters).toHaveLength(45)
    expect(report.bestYearBySeries.at(0)).toEqual({ seriesId: "PRS30006011", year: 2022, sumQ01Q04: 16.4 })
  })

  it("refuses sums it cannot keep exact", async () => {
    const rows = await rowsOf([
      ["A", 2000, "Q01", "900000000000000"],
      ["A", 2000, "Q02", "0.001"]
    ])
    const error = failureOf(await Effect.runPromiseExit(bestYearBySeries(rows)))
    expect(error).toMatchObject({ _tag: "SumOutOfExactRange", series_id: "A", year: 2000 })
  })
})
