/**
 * `report.html`: the reports as one self-contained page — no network, no CDN, so it opens
 * from a bucket or a laptop alike: the inputs, three charts (reportCharts.ts), and
 * every table, which a small inline script sorts (click a column) and filters.
 */
import type { PopulationYear } from "../population/decodePopulation.ts"
import { escape, reportCharts } from "./reportCharts.ts"
import { inputsSummary, type ReportDocument } from "./reportDocument.ts"
import { cutNote, displayCell, exactCell, grouped, READABLE_TABLE_MAX_ROWS, reportTables, type Table } from "./reportTables.ts"

const STYLE = `
:root { font-family: system-ui, sans-serif; color: #1d1d1f; }
body { margin: 0 auto; max-width: 76rem; padding: 1.5rem 2rem 4rem; line-height: 1.45; }
h2 { font-size: 1.2rem; margin-top: 2.5rem; border-bottom: 1px solid #ddd; }
.inputs { color: #555; font-size: .85rem; font-family: ui-monospace, monospace; overflow-wrap: anywhere; }
.note { color: #666; font-size: .85rem; }
.charts { display: grid; grid-template-columns: repeat(auto-fit, minmax(34rem, 1fr)); gap: 1.5rem 2.5rem; }
figure { margin: 0; }
figcaption { font-weight: 600; }
figure svg { max-width: 100%; height: auto; }
table { border-collapse: collapse; font-variant-numeric: tabular-nums; font-size: .9rem; }
th, td { padding: .2rem .75rem; border-bottom: 1px solid #eee; text-align: left; }
.num { text-align: right; }
thead th { position: sticky; top: 0; background: #fafafa; }
th button { all: unset; cursor: pointer; font-weight: 600; }
th[aria-sort="ascending"] button::after { content: " ▲"; }
th[aria-sort="descending"] button::after { content: " ▼"; }
.scroll { max-height: 32rem; overflow: auto; display: inline-block; }
`

/** Sorts a table by a clicked column (again: the other way) and filters its rows on every input. */
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
  filter?.addEventListener("input", () => {
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

function* tablePieces(table: Table): Iterable<string> {
  yield `<section id="${table.id}">\n<h2>${escape(table.title)}</h2>\n`
  if (table.rowCount === 0) return yield `<p class="note">None.</p>\n</section>\n`
  const shown = Math.min(table.rowCount, READABLE_TABLE_MAX_ROWS)
  const cut = cutNote(table, shown)
  const filter = table.rowCount > 1 ? `<label>Filter <input type="search" aria-label="Filter ${escape(table.title)}"></label> ` : ""
  yield `<div data-interactive-table>\n<p class="note">${filter}<span data-count>${grouped(shown, 0)}</span> of ${grouped(table.rowCount, 0)} rows shown${cut === undefined ? "" : ` (${escape(cut)})`}` +
    ` · click a column to sort</p>\n<div class="scroll"><table>\n<thead><tr>${
      table.columns.map((column) => `<th scope="col"${column.kind === "text" ? "" : ` class="num"`}><button type="button">${escape(column.name)}</button></th>`).join("")
    }</tr></thead>\n<tbody>\n`
  for (const row of table.rows(READABLE_TABLE_MAX_ROWS)) {
    yield `<tr>${
      row.map((cell, i) => {
        const kind = table.columns[i]!.kind
        const shownCell = escape(displayCell(cell, kind))
        return kind === "text" ? `<td>${shownCell}</td>` : `<td class="num" data-value="${escape(exactCell(cell))}">${shownCell}</td>`
      }).join("")
    }</tr>\n`
  }
  yield `</tbody></table></div>\n</div>\n</section>\n`
}

/** The page a piece at a time; `population` is the stored population the reports read. */
export function* htmlPieces(doc: ReportDocument, population: ReadonlyArray<PopulationYear>): Iterable<string> {
  yield `<!doctype html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n<meta name="viewport" content="width=device-width, initial-scale=1">\n`
  // Nothing may load from elsewhere: the page must open offline, from a file or a bucket.
  yield `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:">\n`
  yield `<title>BLS productivity and US population reports</title>\n<style>${STYLE}</style>\n</head>\n<body>\n`
  yield `<h1>BLS productivity and US population reports</h1>\n`
  yield `<p class="inputs">${inputsSummary(doc).split("\n").map(escape).join("<br>")}</p>\n`
  yield reportCharts(doc, population)
  for (const table of reportTables(doc)) yield* tablePieces(table)
  yield `<script>${SCRIPT}</script>\n</body>\n</html>\n`
}
