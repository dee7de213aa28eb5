/** The terminal tables: every report present, columns aligned, figures readable. */
import { describe, expect, it } from "vitest"
import { renderTables } from "../../domain/reports/renderTables.ts"
import { documentOf, seededStore } from "./reportStore.ts"

describe("the terminal tables", () => {
  it("print the inputs and each report as an aligned table", async () => {
    const doc = await documentOf(await seededStore())
    const text = renderTables(doc)
    const blocks = text.trimEnd().split("\n\n")
    expect(blocks).toHaveLength(5)
    expect(blocks[0]).toContain(`${doc.inputs.bls.key}: 38232 rows, 0 rejected, sha256 ${doc.inputs.bls.sha256}`)

    for (const block of blocks.slice(1)) {
      const [title, header, rule, ...rows] = block.split("\n")
      expect(title).toBeTruthy()
      // The rule under the header marks each column; every cell sits inside its column.
      const columns = [...rule!.matchAll(/-+/g)].map((m) => ({ start: m.index, end: m.index + m[0].length }))
      expect(header!.split(/ {2,}/).map((name) => name.trim())).toHaveLength(columns.length)
      for (const line of [header!, ...rows]) {
        expect(line.length).toBeLessThanOrEqual(rule!.length)
        for (const { end } of columns.slice(0, -1)) expect(line.slice(end, end + 2)).toBe("  ")
        expect(line.slice(columns[0]!.start, columns[0]!.end).trim()).not.toBe("")
      }
    }

    const best = blocks.find((block) => block.startsWith("Best year by series"))!.split("\n")
    expect(best[0]).toContain(`${doc.bestYearBySeries.length} rows`)
    expect(best.slice(3).map((line) => line.split(/\s+/))).toEqual(
      doc.bestYearBySeries.map((b) => [b.seriesId, String(b.year), String(b.sumQ01Q04)])
    )
    // Numbers are right-aligned: the values' last digits share a column.
    expect(new Set(best.slice(1).map((line) => line.length)).size).toBe(1)

    const joined = blocks.find((block) => block.startsWith("PRS30006032 Q01"))!
    expect(joined).toMatch(/PRS30006032\s+2018\s+Q01\s+0\.5\s+327,167,439/)
    expect(joined).toMatch(/PRS30006032\s+1995\s+Q01\s+0\s+—/)
    expect(blocks.find((block) => block.startsWith("US population"))).toMatch(/2013\s+2018\s+6\s+322,069,808\.00\s+4,158,441\.04\s+3,796,119\.94/)
  })
})

describe("a long table on a terminal", () => {
  it("shows its first rows and says how many there are", async () => {
    const doc = await documentOf(await seededStore())
    const best = renderTables(doc, { maxRows: 5 }).split("\n\n").find((block) => block.startsWith("Best year by series"))!
    const lines = best.split("\n")
    expect(lines.slice(3, 8).map((line) => line.split(/\s+/)[0])).toEqual(doc.bestYearBySeries.slice(0, 5).map((b) => b.seriesId))
    expect(lines[8]).toBe(`… 5 of ${doc.bestYearBySeries.length} rows shown (--all prints them all, --json the whole document)`)
    expect(lines).toHaveLength(9)
    // A table that fits is printed whole, with no note.
    expect(renderTables(doc, { maxRows: 5 })).toMatch(/US population, 2013–2018\n.*\n.*\n +2013 .*\n\n/)
  })
})
