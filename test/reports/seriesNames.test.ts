/** Interning series ids in typed arrays: same id for the same name, names back intact, code-unit order. */
import { describe, expect, it } from "vitest"
import { SeriesNames } from "../../domain/reports/seriesNames.ts"

describe("series names", () => {
  it("gives each distinct name one id, through table growth, and gives the names back", () => {
    const names = new SeriesNames()
    const all = Array.from({ length: 5000 }, (_, i) => `PRS${String(i).padStart(8, "0")}${i % 7 === 0 ? "É😀" : ""}`)
    all.forEach((name, i) => expect(names.intern(name)).toBe(i))
    all.forEach((name, i) => expect(names.intern(name)).toBe(i))
    expect(names.size).toBe(5000)
    expect(all.map((_, id) => names.nameOf(id))).toEqual(all)
  })

  it("keeps ASCII names a byte a character, and every name intact once one is not ASCII", () => {
    const names = new SeriesNames()
    const all = Array.from({ length: 6000 }, (_, i) => i === 3000 ? "PRSÉ0003000" : `PRS${String(i).padStart(8, "0")}`)
    all.slice(0, 3000).forEach((name, i) => expect(names.intern(name)).toBe(i))
    expect(names.chars).toBeInstanceOf(Uint8Array)
    all.slice(3000).forEach((name, i) => expect(names.intern(name)).toBe(3000 + i))
    expect(names.chars).toBeInstanceOf(Uint16Array)
    all.forEach((name, i) => expect(names.intern(name)).toBe(i))
    expect(all.map((_, id) => names.nameOf(id))).toEqual(all)
  })

  it("orders ids as their names sort by code unit", () => {
    const names = new SeriesNames()
    const list = ["b", "a", "ab", "", "B", "é", "a😀", "aa"]
    for (const name of list) names.intern(name)
    const ids = list.map((_, id) => id).sort((a, b) => names.compare(a, b))
    expect(ids.map((id) => names.nameOf(id))).toEqual([...list].sort())
  })
})
