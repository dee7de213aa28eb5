/**
 * The report's charts as SVG text, drawn on the server by Observable Plot over linkedom's
 * DOM: the page needs no script (and no network) to show them, and opens from a bucket or a
 * laptop alike. Each chart's data marks carry an `aria-description`, so a reader (and the
 * browser test) can find them: one mark per data point.
 */
import * as Plot from "@observablehq/plot"
// linkedom's cached entry (same API): the Lambda bundles load it, and Plot, only when a
// chart is drawn (infra/handlerBundle.ts), while the ingest's own "linkedom" stays eager.
import { parseHTML } from "linkedom/cached"
import type { PopulationYear } from "../population/decodePopulation.ts"
import type { ReportDocument } from "./reportDocument.ts"

/** Mark labels, shared with the page's legend text and the browser test. */
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

const WIDTH = 640
const HEIGHT = 320

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
  for (const best of doc.bestYearBySeries) counts.set(best.year, (counts.get(best.year) ?? 0) + 1)
  return [...counts].map(([year, series]) => ({ year, series })).sort((a, b) => a.year - b.year)
}

const millions = (n: number) => `${(n / 1e6).toFixed(0)} M`

export const reportCharts = (doc: ReportDocument, population: ReadonlyArray<PopulationYear>): ReportCharts => {
  const { document } = parseHTML("<!doctype html><html><body></body></html>")
  const svg = (options: Plot.PlotOptions) =>
    (Plot.plot({ document, width: WIDTH, height: HEIGHT, marginLeft: 60, style: { fontSize: "12px" }, ...options }) as Element).outerHTML

  const missing = missingYears(population)
  // A line through every year, broken where a year has no figure (null breaks a Plot line).
  const byYear = [
    ...population.map((figure) => ({ year: figure.year, population: figure.population as number | null })),
    ...missing.map((year) => ({ year, population: null }))
  ].sort((a, b) => a.year - b.year)

  const populationChart = svg({
    x: { label: "Year", tickFormat: "d", nice: false },
    y: { label: "US population", tickFormat: millions, grid: true },
    marks: [
      Plot.lineY(byYear, { x: "year", y: "population", stroke: "#4269d0" }),
      Plot.dot(population, { x: "year", y: "population", fill: "#4269d0", r: 3.5, ariaDescription: CHART_MARKS.populationYear }),
      Plot.ruleX(missing, { stroke: "#c0392b", strokeDasharray: "4 3", ariaDescription: CHART_MARKS.populationMissing }),
      Plot.text(missing, { x: (year: number) => year, frameAnchor: "top", dy: 4, text: (year: number) => `${year}: no figure`, fill: "#c0392b" })
    ]
  })

  const joined = doc.prs30006032Q01.filter((row) => row.Population !== null)
  const q01Chart = svg({
    x: { label: "US population", tickFormat: millions, grid: true },
    y: { label: "PRS30006032 Q01 value", grid: true },
    marks: [
      Plot.ruleY([0], { stroke: "#999" }),
      Plot.dot(joined, { x: "Population", y: "value", fill: "#efb118", stroke: "#8a6300", r: 4, ariaDescription: CHART_MARKS.q01AgainstPopulation }),
      Plot.text(joined, { x: "Population", y: "value", text: (row: { year: number }) => String(row.year), dy: -9, fontSize: 10 })
    ]
  })

  const peaks = peaksPerYear(doc)
  const peaksChart = svg({
    x: { label: "Best year", tickFormat: "d" },
    y: { label: "Series", grid: true },
    marks: [
      Plot.rectY(peaks, { x: "year", y: "series", interval: 1, fill: "#3ca951", inset: 0.5, ariaDescription: CHART_MARKS.peaksPerYear }),
      Plot.ruleY([0])
    ]
  })

  return { population: populationChart, q01AgainstPopulation: q01Chart, peaksPerYear: peaksChart }
}
