/**
 * `report.html`: the reports as one self-contained page — no network, no CDN, so it opens
 * from a bucket or a laptop alike. The charts are SVG drawn on the server
 * (reportCharts.ts); the only script is a small inline one that sorts and filters the
 * best-year table. Written a piece at a time, like the other report files.
 */
import type { PopulationYear } from "../population/decodePopulation.ts"
import { inputsSummary } from "./inputsSummary.ts"
import { type ReportCharts, reportCharts } from "./reportCharts.ts"
import type { ReportDocument } from "./reportDocument.ts"
import {
  cutNote,
  displayCell,
  exactCell,
  firstRows,
  grouped,
  isNumeric,
  READABLE_TABLE_MAX_ROWS,
  reportTables,
  type Table
} from "./reportTables.ts"
import { escapeXml } from "./svgChart.ts"

// A page with more rows than READABLE_TABLE_MAX_ROWS is slow to open and sort; the CSV beside it has them all.

const escape = escapeXml

const STYLE = `
:root { color-scheme: light; font-family: system-ui, -apple-system, "Segoe UI", sans-serif; color: #1d1d1f; }
body { margin: 0 auto; max-width: 76rem; padding: 1.5rem 2rem 4rem; line-height: 1.45; }
h1 { font-size: 1.6rem; margin-bottom: .25rem; }
h2 { font-size: 1.2rem; margin-top: 2.5rem; border-bottom: 1px solid #ddd; padding-bottom: .25rem; }
.inputs { color: #555; font-size: .85rem; font-family: ui-monospace, monospace; overflow-wrap: anywhere; }
.charts { display: grid; grid-template-columns: repeat(auto-fit, minmax(34rem, 1fr)); gap: 1.5rem 2.5rem; }
figure { margin: 0; }
figcaption { font-weight: 600; margin-bottom: .25rem; }
figure svg { max-width: 100%; height: auto; }
.note { color: #666; font-size: .85rem; }
table { border-collapse: collapse; font-variant-numeric: tabular-nums; font-size: .9rem; }
th, td { padding: .2rem .75rem; border-bottom: 1px solid #eee; text-align: left; }
th.num, td.num { text-align: right; }
thead th { position: sticky; top: 0; background: #fafafa; border-bottom: 2px solid #ccc; }
th button { all: unset; cursor: pointer; font-weight: 600; }
th button:focus-visible { outline: 2px solid #4269d0; }
th[aria-sort="ascending"] button::after { content: " ▲"; }
th[aria-sort="descending"] button::after { content: " ▼"; }
.filter { margin: .5rem 0 .75rem; display: flex; gap: 1rem; align-items: center; flex-wrap: wrap; }
.filter input { font: inherit; padding: .3rem .5rem; min-width: 16rem; }
.scroll { max-height: 32rem; overflow: auto; border: 1px solid #eee; display: inline-block; }
`

/** Sorts by a clicked column (again: the other way) and filters rows on every input. */
const SCRIPT = `
for (const block of document.querySelectorAll("[data-interactive-table]")) {
  const table = block.querySelector("table"), body = table.tBodies[0], rows = [...body.rows]
  const filter = block.querySelector("input"), count = block.querySelector("[data-count]")
  const key = (row, i, numeric) => numeric ? Number(row.cells[i].dataset.value) : row.cells[i].textContent
  table.querySelectorAll("th").forEach((th, i) => th.querySelector("button").addEventListener("click", () => {
    const descending = th.getAttribute("aria-sort") === "ascending"
    table.querySelectorAll("th").forEach((other) => other.removeAttribute("aria-sort"))
    th.setAttribute("aria-sort", descending ? "descending" : "ascending")
    const numeric = th.classList.contains("num"), sign = descending ? -1 : 1
    rows.sort((a, b) => { const x = key(a, i, numeric), y = key(b, i, numeric); return sign * (x < y ? -1 : x > y ? 1 : 0) })
    body.append(...rows)
  }))
  filter.addEventListener("input", () => {
    const words = filter.value.trim().toLowerCase().split(/\\s+/).filter(Boolean)
    let shown = 0
    for (const row of rows) {
      const cells = [...row.cells].map((cell) => cell.textContent.toLowerCase())
      row.hidden = !words.every((word) => cells.some((cell) => cell.includes(word)))
      if (!row.hidden) shown++
    }
    count.textContent = shown.toLocaleString("en-US")
  })
}
`

function* tableRows(table: Table): Iterable<string> {
  for (const row of firstRows(table, READABLE_TABLE_MAX_ROWS)) {
    yield `<tr>${
      row.map((cell, i) => {
        const kind = table.columns[i]!.kind
        const numeric = isNumeric(kind)
        const value = numeric ? ` data-value="${escape(exactCell(cell))}"` : ""
        return `<td${numeric ? ` class="num"${value}` : ""}>${escape(displayCell(cell, kind))}</td>`
      }).join("")
    }</tr>\n`
  }
}

const header = (table: Table, sortable: boolean) =>
  `<thead><tr>${
    table.columns.map((column) => {
      const numeric = isNumeric(column.kind) ? ` class="num"` : ""
      const label = escape(column.name)
      return `<th scope="col"${numeric}>${sortable ? `<button type="button">${label}</button>` : label}</th>`
    }).join("")
  }</tr></thead>\n`

function* plainTable(table: Table): Iterable<string> {
  yield `<h2>${escape(table.title)}</h2>\n`
  if (table.rowCount === 0) return yield `<p class="note">None.</p>\n`
  const cut = cutNote(table, Math.min(table.rowCount, READABLE_TABLE_MAX_ROWS))
  if (cut !== undefined) yield `<p class="note">Shown: ${escape(cut)}.</p>\n`
  yield `<div class="scroll"><table>\n${header(table, false)}<tbody>\n`
  yield* tableRows(table)
  yield `</tbody></table></div>\n`
}

function* bestYearTable(table: Table): Iterable<string> {
  const shown = Math.min(table.rowCount, READABLE_TABLE_MAX_ROWS)
  const total = grouped(table.rowCount, 0)
  yield `<h2 id="best-year">${escape(table.title)}</h2>\n`
  yield `<div data-interactive-table>\n<div class="filter"><label>Filter <input type="search" ` +
    `placeholder="series or year, e.g. PRS30 2022" aria-label="Filter the best-year table"></label>` +
    `<span class="note"><span data-count>${grouped(shown, 0)}</span> of ${total} series shown` +
    `${shown < table.rowCount ? ` (the first ${grouped(shown, 0)}; ${table.id}.csv has every row)` : ""}` +
    ` · click a column to sort</span></div>\n`
  yield `<div class="scroll"><table>\n${header(table, true)}<tbody>\n`
  yield* tableRows(table)
  yield `</tbody></table></div>\n</div>\n`
}

const figure = (id: string, caption: string, svg: string, note: string) =>
  `<figure id="${id}"><figcaption>${escape(caption)}</figcaption>\n${svg}\n<p class="note">${escape(note)}</p></figure>\n`

function* chartsSection(doc: ReportDocument, charts: ReportCharts, population: ReadonlyArray<PopulationYear>) {
  const years = population.map((figure) => figure.year)
  const joined = doc.prs30006032Q01.filter((row) => row.population !== null).length
  yield `<section class="charts">\n`
  yield figure(
    "chart-population",
    "US population by year",
    charts.population,
    `${population.length} years from ${Math.min(...years)} to ${Math.max(...years)}, from DataUSA; ` +
      "a dashed red line marks a year without a figure (the line is not drawn through it)."
  )
  yield figure(
    "chart-q01",
    "PRS30006032 Q01 against US population",
    charts.q01AgainstPopulation,
    `${joined} years with both a Q01 value and a population figure, each dot labelled with its year.`
  )
  yield figure(
    "chart-peaks",
    "How many series peaked in each year",
    charts.peaksPerYear,
    `${doc.bestYearBySeries.length} series by the year of their largest sum of Q01–Q04.`
  )
  yield `</section>\n`
}

/** The page a piece at a time; `population` is the stored population the reports read. */
export function* htmlPieces(doc: ReportDocument, population: ReadonlyArray<PopulationYear>): Iterable<string> {
  yield `<!doctype html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n`
  yield `<meta name="viewport" content="width=device-width, initial-scale=1">\n`
  // Nothing may load from elsewhere: the page must open offline, from a file or a bucket.
  yield `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:">\n`
  yield `<title>BLS productivity and US population reports</title>\n<style>${STYLE}</style>\n</head>\n<body>\n`
  yield `<h1>BLS productivity and US population reports</h1>\n`
  yield `<p class="inputs">${inputsSummary(doc).split("\n").map(escape).join("<br>")}</p>\n`
  yield* chartsSection(doc, reportCharts(doc, population), population)
  const tables = reportTables(doc)
  for (const table of tables) {
    if (table.id === "best-year-by-series") yield* bestYearTable(table)
    else yield* plainTable(table)
  }
  yield `<script>${SCRIPT}</script>\n</body>\n</html>\n`
}

export const renderHtml = (doc: ReportDocument, population: ReadonlyArray<PopulationYear>): string =>
  [...htmlPieces(doc, population)].join("")
