/**
 * `report.html` in a real browser (Debian's chromium-headless-shell, driven by
 * playwright-core; nothing downloads a browser): the page `quest run --offline` stores opens
 * from a file with no console error and no network request, each chart has one mark per
 * data point (the population chart marks the fixture's year without a figure), and the
 * best-year table sorts and filters. A screenshot is saved for people
 * to look at (.artifacts/report.png).
 */
import { existsSync, mkdirSync, readFileSync } from "node:fs"
import { join } from "node:path"
import { pathToFileURL } from "node:url"
import * as Effect from "effect/Effect"
import { type Browser, chromium, type Page } from "playwright-core"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { decodePopulation, type PopulationYear } from "../../domain/population/decodePopulation.ts"
import { CHART_MARKS } from "../../domain/reports/reportCharts.ts"
import type { ReportDocument } from "../../domain/reports/reportDocument.ts"
import { projectRoot, runQuest, tempStore } from "../cli/questProcess.ts"

/** Where apt puts the browser; CHROMIUM_PATH names another. `.ci/run` installs it, and its absence is a failure. */
const CHROMIUM = process.env["CHROMIUM_PATH"] ?? "/usr/bin/chromium-headless-shell"
export const SCREENSHOT = join(projectRoot, ".artifacts", "report.png")

const store = tempStore()
let browser: Browser
let page: Page
let doc: ReportDocument
let population: ReadonlyArray<PopulationYear>
const consoleErrors: Array<string> = []
const requests: Array<string> = []

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`No browser at ${CHROMIUM}: install Debian's chromium-headless-shell (apt-get install chromium-headless-shell) or set CHROMIUM_PATH.`)
  }
  const run = await runQuest(["run", "--offline"], { QUEST_STORE: store.path })
  expect(run.code, run.stderr).toBe(0)
  doc = JSON.parse(readFileSync(join(store.path, "reports/latest/report.json"), "utf8"))
  population = await Effect.runPromise(decodePopulation(readFileSync(join(store.path, "population/population.json"))))

  browser = await chromium.launch({ executablePath: CHROMIUM })
  page = await browser.newPage({ viewport: { width: 1280, height: 900 } })
  page.on("console", (message) => {
    if (message.type() === "error") consoleErrors.push(message.text())
  })
  page.on("pageerror", (error) => consoleErrors.push(error.message))
  page.on("request", (request) => requests.push(request.url()))
  await page.goto(pathToFileURL(join(store.path, "reports/latest/report.html")).href)
}, 60_000)

afterAll(async () => {
  await browser?.close()
  store.remove()
})

/** How many series had their best year in each year, by year: what the chart must draw. */
const peaksPerYear = (doc: ReportDocument) => {
  const counts = new Map<number, number>()
  for (const { year } of doc.bestYearBySeries) counts.set(year, (counts.get(year) ?? 0) + 1)
  return [...counts].map(([year, series]) => ({ year, series })).sort((a, b) => a.year - b.year)
}

describe("report.html in a browser", () => {
  it("loads from a file with no console error and no request but the page itself", async () => {
    expect(await page.title()).toBe("BLS productivity and US population reports")
    expect(consoleErrors).toEqual([])
    expect(requests).toEqual([page.url()])
  })

  const marks = (chart: string, description: string, element: string) => page.locator(`#${chart} svg g[aria-description="${description}"] ${element}`)

  it("draws one dot per population figure, and the year without one as missing, not bridged", async () => {
    // The fixture's real gap: DataUSA has figures for 2019 and 2021 but none for 2020.
    const years = population.map((figure) => figure.year)
    expect(years).toEqual(expect.arrayContaining([2019, 2021]))
    expect(years).not.toContain(2020)
    expect(await marks("chart-population", CHART_MARKS.populationYear, "circle").count()).toBe(population.length)
    expect(await marks("chart-population", CHART_MARKS.populationMissing, "line").count()).toBe(1)
    // The line is broken at the gap: two pieces, not one line bridging 2019–2021.
    expect(await page.locator("#chart-population svg path[aria-label=line]").getAttribute("d")).toMatch(/^M[^M]+M[^M]+$/)
    expect(await page.locator("#chart-population").textContent()).toContain("2020: no figure")
  })

  it("draws one dot per year with both a PRS30006032 Q01 value and a population figure", async () => {
    const joined = doc.prs30006032Q01.filter((row) => row.population !== null)
    expect(joined.length).toBeGreaterThan(0)
    expect(joined.length).toBeLessThan(doc.prs30006032Q01.length)
    const dots = marks("chart-q01", CHART_MARKS.q01AgainstPopulation, "circle")
    expect(await dots.locator("title").allTextContents()).toEqual(
      joined.map((row) => `${row.year}: Q01 ${row.value}, population ${row.population!.toLocaleString("en-US")}`)
    )
  })

  it("draws one bar per year some series peaked in, each titled with its count", async () => {
    const peaks = peaksPerYear(doc)
    expect(peaks.reduce((sum, peak) => sum + peak.series, 0)).toBe(doc.bestYearBySeries.length)
    const bars = marks("chart-peaks", CHART_MARKS.peaksPerYear, "rect")
    expect(await bars.count()).toBe(peaks.length)
    expect(await bars.locator("title").allTextContents()).toEqual(peaks.map((peak) => `${peak.year}: ${peak.series} series`))
    // Taller bars for more series: the bars' heights are in the order of their counts.
    const heights = await bars.evaluateAll((rects) => rects.map((rect) => Number(rect.getAttribute("height"))))
    const tallest = peaks.findIndex((peak) => peak.series === Math.max(...peaks.map((p) => p.series)))
    expect(Math.max(...heights)).toBe(heights[tallest])
  })

  const bestRows = () => page.locator("#best-year-by-series tbody tr:not([hidden])")
  const column = async (index: number) =>
    bestRows().evaluateAll((rows, i) => rows.map((row) => (row as HTMLTableRowElement).cells[i]!.textContent ?? ""), index)

  it("sorts the best-year table by a clicked column, numbers as numbers, and back the other way", async () => {
    expect(await bestRows().count()).toBe(doc.bestYearBySeries.length)
    const sums = doc.bestYearBySeries.map((best) => best.sumQ01Q04)
    const header = (name: string) => page.locator(`#best-year-by-series th button`, { hasText: name })

    await header("sum_q01_q04").click()
    expect((await column(2)).map(Number)).toEqual([...sums].sort((a, b) => a - b))
    await header("sum_q01_q04").click()
    expect((await column(2)).map(Number)).toEqual([...sums].sort((a, b) => b - a))
    await header("series_id").click()
    expect(await column(0)).toEqual(doc.bestYearBySeries.map((best) => best.seriesId).sort())
  })

  it("filters the best-year table as one types, and says how many rows are shown", async () => {
    const filter = page.locator("#best-year-by-series input")
    // Two words, both must match: a series prefix and the year most series peaked in.
    const year = [...peaksPerYear(doc)].sort((a, b) => b.series - a.series)[0]!.year
    await filter.fill(`prs30 ${year}`)
    const wanted = doc.bestYearBySeries.filter((best) => best.seriesId.startsWith("PRS30") && best.year === year)
    expect(wanted.length).toBeGreaterThan(1)
    expect(wanted.length).toBeLessThan(doc.bestYearBySeries.length)
    expect(await column(0)).toEqual(wanted.map((best) => best.seriesId).sort())
    expect(await page.locator("#best-year-by-series [data-count]").textContent()).toBe(String(wanted.length))
    await filter.fill("")
    expect(await bestRows().count()).toBe(doc.bestYearBySeries.length)
  })

  it("saves a screenshot of the whole page", async () => {
    mkdirSync(join(projectRoot, ".artifacts"), { recursive: true })
    await page.screenshot({ path: SCREENSHOT, fullPage: true })
    expect(readFileSync(SCREENSHOT).subarray(1, 4).toString()).toBe("PNG")
  })
})
