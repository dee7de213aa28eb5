/**
 * report.html's charts, drawn on the server as SVG text: the page needs no script and no
 * network to show them. One small frame (`chart`) draws the axes' end labels around the
 * marks each chart adds; every chart's data marks sit in a group with an `aria-description`,
 * so a reader (and the browser test) finds one mark per data point.
 */
import type { PopulationYear } from "../population/decodePopulation.ts"
import type { ReportDocument } from "./reportDocument.ts"
import { grouped } from "./reportTables.ts"

/** Text for an HTML or SVG element or quoted attribute. */
export const escape = (text: string) => text.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;").replaceAll("\"", "&quot;")

/** Mark descriptions, shared with the browser test. */
export const CHART_MARKS = {
  populationYear: "population by year",
  populationMissing: "year without a population figure",
  q01AgainstPopulation: "PRS30006032 Q01 and population",
  peaksPerYear: "series peaking in the year"
} as const

const [WIDTH, HEIGHT, LEFT, RIGHT, TOP, BASE] = [720, 260, 72, 24, 24, 226]

interface Axis {
  readonly min: number
  readonly max: number
  readonly format: (value: number) => string
  /** The values labelled under the x axis; the y axis labels its two ends. */
  readonly ticks?: ReadonlyArray<number>
}
type Scale = (value: number) => number

const at = ({ min, max }: Axis, from: number, to: number): Scale => (value) => from + ((value - min) / (max - min || 1)) * (to - from)
const fixed = (n: number) => n.toFixed(1)

/** A figure: the chart's SVG with its axes' labels around `marks`, and a note saying how to read it. */
const chart = (id: string, title: string, note: string, xAxis: Axis, yAxis: Axis, marks: (x: Scale, y: Scale) => string) => {
  const [x, y] = [at(xAxis, LEFT, WIDTH - RIGHT), at(yAxis, BASE, TOP)]
  const xLabels = (xAxis.ticks ?? [xAxis.min, xAxis.max])
    .map((t) => `<text x="${fixed(x(t))}" y="${BASE + 16}" text-anchor="middle">${escape(xAxis.format(t))}</text>`)
  const yLabels = [yAxis.min, yAxis.max].map((t) => `<text x="${LEFT - 8}" y="${fixed(y(t) + 4)}" text-anchor="end">${escape(yAxis.format(t))}</text>`)
  return `<figure id="${id}"><figcaption>${escape(title)}</figcaption>\n` +
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${WIDTH} ${HEIGHT}" width="${WIDTH}" height="${HEIGHT}" role="img" ` +
    `aria-label="${escape(title)}" font-size="12" fill="currentColor">${xLabels.join("")}${yLabels.join("")}` +
    `<line x1="${LEFT}" x2="${WIDTH - RIGHT}" y1="${BASE}" y2="${BASE}" stroke="currentColor"/>${marks(x, y)}</svg>\n` +
    `<p class="note">${escape(note)}</p></figure>\n`
}

/** A group of data marks a reader finds by what they show. */
const group = (description: string, attributes: string, elements: ReadonlyArray<string>) =>
  `<g aria-description="${description}" ${attributes}>${elements.join("")}</g>`
const dot = (cx: number, cy: number, title: string) => `<circle cx="${fixed(cx)}" cy="${fixed(cy)}" r="3.5"><title>${escape(title)}</title></circle>`
const none = (id: string, why: string) => `<figure id="${id}"><p class="note">${why}</p></figure>\n`
const millions = (n: number) => `${(n / 1e6).toFixed(0)} M`
/** Every year from first to last, or every few when a label each would overlap. */
const yearTicks = (first: number, last: number) => {
  const every = Math.ceil(((last - first + 1) * 40) / (WIDTH - LEFT - RIGHT))
  return Array.from({ length: Math.floor((last - first) / every) + 1 }, (_, i) => first + i * every)
}
const extent = (values: ReadonlyArray<number>) => ({ min: Math.min(...values), max: Math.max(...values) })
/** A little room around the data, so no dot sits on an axis. */
const padded = ({ max, min }: { readonly min: number; readonly max: number }) => ({ min: min - (max - min) * 0.06, max: max + (max - min) * 0.06 })

const populationChart = (population: ReadonlyArray<PopulationYear>) => {
  if (population.length === 0) return none("chart-population", "No population figure.")
  const byYear = new Map(population.map((figure) => [figure.year, figure.population]))
  const { min: first, max: last } = extent([...byYear.keys()])
  const years = Array.from({ length: last - first + 1 }, (_, i) => first + i)
  const missing = years.filter((year) => !byYear.has(year))
  return chart(
    "chart-population",
    "US population by year",
    `${population.length} years from DataUSA; a dashed red line marks a year without a figure, and the line is not drawn through it.`,
    { min: first - 0.5, max: last + 0.5, format: String, ticks: yearTicks(first, last) },
    { ...padded(extent([...byYear.values()])), format: millions },
    (x, y) => {
      // A missing year lifts the pen: a gap, not a bridge over it.
      const path = years.map((year, i) => byYear.has(year) ? `${i > 0 && byYear.has(year - 1) ? "L" : "M"}${fixed(x(year))},${fixed(y(byYear.get(year)!))}` : "")
      return `<path aria-label="line" d="${path.join("")}" fill="none" stroke="#4269d0" stroke-width="1.5"/>` +
        group(CHART_MARKS.populationYear, `fill="#4269d0"`, [...byYear].map(([year, n]) => dot(x(year), y(n), `${year}: ${grouped(n, 0)}`))) +
        group(CHART_MARKS.populationMissing, `stroke="#c0392b" stroke-dasharray="4 3"`, missing.map((year) =>
          `<line x1="${fixed(x(year))}" x2="${fixed(x(year))}" y1="${TOP}" y2="${BASE}"/>`)) +
        missing.map((year) => `<text x="${fixed(x(year))}" y="${TOP - 8}" text-anchor="middle" fill="#c0392b">${year}: no figure</text>`).join("")
    }
  )
}

const q01Chart = (doc: ReportDocument) => {
  const joined = doc.prs30006032Q01.flatMap((row) => row.population === null ? [] : [{ ...row, population: row.population }])
  if (joined.length === 0) return none("chart-q01", "No year has both a PRS30006032 Q01 value and a population figure.")
  const populations = extent(joined.map((row) => row.population))
  return chart(
    "chart-q01",
    "PRS30006032 Q01 against US population",
    `${joined.length} years with both a Q01 value (up) and a population figure (across), each dot labelled with its year.`,
    { ...padded(populations), format: millions, ticks: [populations.min, populations.max] },
    { ...padded(extent([0, ...joined.map((row) => row.value)])), format: (n) => n.toFixed(1) },
    (x, y) =>
      `<line x1="${LEFT}" x2="${WIDTH - RIGHT}" y1="${fixed(y(0))}" y2="${fixed(y(0))}" stroke="#999"/>` +
      group(CHART_MARKS.q01AgainstPopulation, `fill="#efb118" stroke="#8a6300"`, joined.map((row) =>
        dot(x(row.population), y(row.value), `${row.year}: Q01 ${row.value}, population ${grouped(row.population, 0)}`))) +
      joined.map((row) => `<text x="${fixed(x(row.population))}" y="${fixed(y(row.value) - 8)}" text-anchor="middle" font-size="10">${row.year}</text>`).join("")
  )
}

/** One bar a year: how many series had their largest sum of Q01–Q04 in it. */
const peaksChart = (doc: ReportDocument) => {
  const counts = new Map<number, number>()
  for (const { year } of doc.bestYearBySeries) counts.set(year, (counts.get(year) ?? 0) + 1)
  if (counts.size === 0) return none("chart-peaks", "No series has quarterly values.")
  const { min: first, max: last } = extent([...counts.keys()])
  return chart(
    "chart-peaks",
    "How many series peaked in each year",
    `${grouped(doc.bestYearBySeries.length, 0)} series by the year of their largest sum of Q01–Q04.`,
    { min: first - 0.5, max: last + 0.5, format: String, ticks: yearTicks(first, last) },
    { min: 0, max: Math.max(...counts.values()), format: (n) => grouped(n, 0) },
    (x, y) =>
      group(CHART_MARKS.peaksPerYear, `fill="#3ca951"`, [...counts].sort(([a], [b]) => a - b).map(([year, n]) =>
        `<rect x="${fixed(x(year - 0.4))}" y="${fixed(y(n))}" width="${fixed(x(year + 0.4) - x(year - 0.4))}" height="${fixed(BASE - y(n))}">` +
        `<title>${year}: ${n} series</title></rect>`))
  )
}

/** The page's three charts, side by side where the page is wide enough. */
export const reportCharts = (doc: ReportDocument, population: ReadonlyArray<PopulationYear>) =>
  `<section class="charts">\n${populationChart(population)}${q01Chart(doc)}${peaksChart(doc)}</section>\n`
