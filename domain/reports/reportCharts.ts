/**
 * The report's charts as SVG text, drawn on the server (svgChart.ts): the page needs no
 * script (and no network) to show them, and opens from a bucket or a laptop alike. Each
 * chart's data marks sit in a group with an `aria-description`, so a reader (and the
 * browser test) can find them: one mark per data point.
 */
import type { PopulationYear } from "../population/decodePopulation.ts"
import type { ReportDocument } from "./reportDocument.ts"
import type { SeriesPopulationRow } from "./seriesPopulationJoin.ts"
import { grouped as groupedDigits } from "./reportTables.ts"
import { brokenLine, chartSvg, defaultFrame as frame, dot, linearScale, marks, text } from "./svgChart.ts"

/** Mark descriptions, shared with the browser test. */
export const CHART_MARKS = {
  populationYear: "population by year",
  populationMissing: "year without a population figure",
  q01AgainstPopulation: "PRS30006032 Q01 and population",
  peaksPerYear: "series peaking in the year"
} as const

export interface ReportCharts {
  readonly population: string
  readonly q01AgainstPopulation: string
  readonly peaksPerYear: string
}

const BLUE = "#4269d0"
const RED = "#c0392b"
const GOLD = "#efb118"
const GREEN = "#3ca951"

/** The years from the first to the last figure that have none: drawn as missing, not bridged. */
export const missingYears = (population: ReadonlyArray<PopulationYear>): ReadonlyArray<number> => {
  if (population.length === 0) return []
  const present = new Set(population.map((figure) => figure.year))
  const years = population.map((figure) => figure.year)
  const missing: Array<number> = []
  for (let year = Math.min(...years); year <= Math.max(...years); year++) if (!present.has(year)) missing.push(year)
  return missing
}

/** How many series had their best year in each year, by year. */
export const peaksPerYear = (doc: ReportDocument): ReadonlyArray<{ readonly year: number; readonly series: number }> => {
  const counts = new Map<number, number>()
  for (const { year } of doc.bestYearBySeries) counts.set(year, (counts.get(year) ?? 0) + 1)
  return [...counts].map(([year, series]) => ({ year, series })).sort((a, b) => a.year - b.year)
}

const grouped = (n: number) => groupedDigits(n, 0)
const millions = (n: number) => `${(n / 1e6).toFixed(0)} M`
const yearTicks = (ticks: ReadonlyArray<number>) => ticks.filter(Number.isInteger)
const xRange = [frame.left, frame.width - frame.right] as const
const yRange = [frame.height - frame.bottom, frame.top] as const

const populationChart = (population: ReadonlyArray<PopulationYear>): string => {
  const years = population.map((figure) => figure.year)
  const values = population.map((figure) => figure.population)
  const x = linearScale(Math.min(...years), Math.max(...years), ...xRange, { ticks: 8 })
  const y = linearScale(Math.min(...values), Math.max(...values), ...yRange, { nice: true })
  const missing = missingYears(population)
  const byYear = new Map(population.map((figure) => [figure.year, figure.population]))
  const points = [...byYear.keys(), ...missing].sort((a, b) => a - b)
    .map((year) => byYear.has(year) ? [x.at(year), y.at(byYear.get(year)!)] as const : null)
  return chartSvg(
    frame,
    { ...x, ticks: yearTicks(x.ticks), format: String, label: "Year" },
    { ...y, format: millions, label: "US population" },
    "US population by year",
    [
      marks("line", "population line, broken where a year has no figure", [brokenLine(points)], `stroke="${BLUE}"`),
      marks("dot", CHART_MARKS.populationYear, population.map((figure) =>
        dot(x.at(figure.year), y.at(figure.population), 3.5, `${figure.year}: ${grouped(figure.population)}`)), `fill="${BLUE}"`),
      marks("rule", CHART_MARKS.populationMissing, missing.map((year) =>
        `<line x1="${x.at(year).toFixed(1)}" x2="${x.at(year).toFixed(1)}" y1="${frame.top}" y2="${frame.height - frame.bottom}"/>`
      ), `stroke="${RED}" stroke-dasharray="4 3"`),
      marks("text", "missing year labels", missing.map((year) =>
        text(x.at(year), frame.top + 12, `${year}: no figure`, `text-anchor="middle"`)), `fill="${RED}"`)
    ]
  )
}

/** What a chart with nothing to draw says instead. */
const empty = (title: string, why: string) =>
  `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${frame.width} 60" role="img" aria-label="${title}">` +
  `${text(frame.left, 30, why, `font-family="system-ui, sans-serif" font-size="13" fill="#666"`)}</svg>`

/** A row of the join whose year has a population figure. */
type Joined = SeriesPopulationRow & { readonly population: number }

const q01Chart = (doc: ReportDocument): string => {
  const joined = doc.prs30006032Q01.filter((row): row is Joined => row.population !== null)
  if (joined.length === 0) return empty("PRS30006032 Q01 against US population", "No year has both a Q01 value and a population figure.")
  const populations = joined.map((row) => row.population)
  const values = [0, ...joined.map((row) => row.value)]
  const x = linearScale(Math.min(...populations), Math.max(...populations), ...xRange, { nice: true })
  const y = linearScale(Math.min(...values), Math.max(...values), ...yRange, { nice: true })
  return chartSvg(
    frame,
    { ...x, format: millions, label: "US population" },
    { ...y, format: String, label: "PRS30006032 Q01 value" },
    "PRS30006032 Q01 against US population",
    [
      `<line x1="${xRange[0]}" x2="${xRange[1]}" y1="${y.at(0).toFixed(1)}" y2="${y.at(0).toFixed(1)}" stroke="#999"/>`,
      marks("dot", CHART_MARKS.q01AgainstPopulation, joined.map((row) =>
        dot(x.at(row.population), y.at(row.value), 4, `${row.year}: Q01 ${row.value}, population ${grouped(row.population)}`)
      ), `fill="${GOLD}" stroke="#8a6300"`),
      marks("text", "year labels", joined.map((row) =>
        text(x.at(row.population), y.at(row.value) - 8, String(row.year), `text-anchor="middle" font-size="10"`)))
    ]
  )
}

const peaksChart = (doc: ReportDocument): string => {
  const peaks = peaksPerYear(doc)
  if (peaks.length === 0) return empty("How many series peaked in each year", "No series has quarterly values.")
  const years = peaks.map((peak) => peak.year)
  const x = linearScale(Math.min(...years) - 0.5, Math.max(...years) + 0.5, ...xRange, { ticks: 8 })
  const y = linearScale(0, Math.max(...peaks.map((peak) => peak.series)), ...yRange, { nice: true })
  return chartSvg(
    frame,
    { ...x, ticks: yearTicks(x.ticks), format: String, label: "Best year" },
    { ...y, ticks: y.ticks.filter(Number.isInteger), format: String, label: "Series" },
    "How many series peaked in each year",
    [
      marks("rect", CHART_MARKS.peaksPerYear, peaks.map((peak) => {
        const left = x.at(peak.year - 0.45)
        const top = y.at(peak.series)
        return `<rect x="${left.toFixed(1)}" y="${top.toFixed(1)}" width="${(x.at(peak.year + 0.45) - left).toFixed(1)}" ` +
          `height="${(y.at(0) - top).toFixed(1)}"><title>${peak.year}: ${peak.series} series</title></rect>`
      }), `fill="${GREEN}"`)
    ]
  )
}

export const reportCharts = (doc: ReportDocument, population: ReadonlyArray<PopulationYear>): ReportCharts => ({
  population: populationChart(population),
  q01AgainstPopulation: q01Chart(doc),
  peaksPerYear: peaksChart(doc)
})
