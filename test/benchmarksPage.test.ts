import { describe, expect, it } from "vitest"
import { sectionOf, updatedPage } from "../bench/benchmarksPage.ts"

const format = {
  formatted: (m: { value: number; unit: string }) => `${m.value} ${m.unit}`,
  goal: (m: { target?: unknown }) => (m.target === undefined ? undefined : "< 10 ms"),
  met: (m: { value: number; target?: unknown }) => (m.target === undefined ? undefined : m.value < 10)
}
const section = (benchmark: string, value: number, when: string) =>
  sectionOf({
    benchmark,
    cases: [{ case: "a | b", measurements: [{ name: "time", value, unit: "ms", target: { below: 10 } }] }],
    notes: ["a note"]
  }, when, format)

describe("docs/benchmarks.md, as npm run bench writes it", () => {
  it("gives each figure its verdict and goal, escaping table pipes", () => {
    expect(section("start-up", 12, "today")).toContain("| a \\| b | 12 ms ✗ (goal < 10 ms) |")
  })

  it("replaces the sections of the benchmarks that ran and keeps the others with their own dates", () => {
    const first = updatedPage(undefined, new Map([["reports", section("reports", 5, "monday")], ["start-up", section("start-up", 7, "monday")]]))
    const second = updatedPage(first, new Map([["start-up", section("start-up", 12, "tuesday")]]))
    expect(second).toContain("## reports\n\nMeasured monday.")
    expect(second).toContain("## start-up\n\nMeasured tuesday.")
    expect(second).not.toContain("7 ms")
    expect(second.indexOf("## reports")).toBeLessThan(second.indexOf("## start-up"))
    expect(updatedPage(second, new Map())).toBe(second)
  })
})
