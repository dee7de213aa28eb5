/**
 * The report document as tables: one model that the CSV, Markdown, HTML and terminal
 * renderers all print, so they cannot disagree about columns or rows. Column names are
 * snake_case, the one convention of every tabular format here, and say what they hold. Cells keep their raw values;
 * each renderer decides how a kind of cell is written (exact for CSV, readable for people).
 */
import type { ReportDocument } from "./reportDocument.ts"

/** How a cell is meant: `value` is a BLS figure, written as in the source (16.4). */
export type CellKind = "text" | "year" | "value" | "integer" | "decimal"

export type Cell = string | number | null

export interface Column {
  readonly name: string
  readonly kind: CellKind
}

export interface Table {
  /** File stem of the table's CSV. */
  readonly id: string
  readonly title: string
  readonly columns: ReadonlyArray<Column>
  readonly rowCount: number
  /** The rows, made as they are read: a large report is never held twice. */
  readonly rows: () => Iterable<ReadonlyArray<Cell>>
}

function* mapped<A>(items: ReadonlyArray<A>, f: (item: A) => ReadonlyArray<Cell>): Iterable<ReadonlyArray<Cell>> {
  for (const item of items) yield f(item)
}

const rowsOf = <A>(items: ReadonlyArray<A>, f: (item: A) => ReadonlyArray<Cell>) => ({
  rowCount: items.length,
  rows: () => mapped(items, f)
})

export const reportTables = (doc: ReportDocument): ReadonlyArray<Table> => {
  const stats = doc.populationStats
  const years = stats.years
  return [
    {
      id: "population-stats",
      title: `US population, ${years[0]}–${years.at(-1)}`,
      // The range as two fields a spreadsheet or SQL can use, and how many years it holds.
      columns: [
        { name: "year_from", kind: "year" },
        { name: "year_to", kind: "year" },
        { name: "year_count", kind: "integer" },
        { name: "mean", kind: "decimal" },
        { name: "stddev_sample", kind: "decimal" },
        { name: "stddev_population", kind: "decimal" }
      ],
      ...rowsOf([stats], (s) => [s.years[0] ?? null, s.years.at(-1) ?? null, s.years.length, s.mean, s.stddevSample, s.stddevPopulation])
    },
    {
      id: "best-year-by-series",
      title: "Best year by series: largest sum of Q01–Q04",
      // The figure is the year's Q01–Q04 summed, not a value BLS published: named so.
      columns: [{ name: "series_id", kind: "text" }, { name: "year", kind: "year" }, { name: "sum_q01_q04", kind: "value" }],
      ...rowsOf(doc.bestYearBySeries, (best) => [best.seriesId, best.year, best.sumQ01Q04])
    },
    {
      id: "series-without-quarters",
      title: "Series without quarterly rows",
      columns: [{ name: "series_id", kind: "text" }],
      ...rowsOf(doc.seriesWithoutQuarters, (series) => [series])
    },
    {
      id: "prs30006032-q01",
      title: "PRS30006032 Q01 with US population",
      columns: [
        { name: "series_id", kind: "text" },
        { name: "year", kind: "year" },
        { name: "period", kind: "text" },
        { name: "value", kind: "value" },
        { name: "population", kind: "integer" }
      ],
      ...rowsOf(doc.prs30006032Q01, (row) => [row.seriesId, row.year, row.period, row.value, row.population])
    }
  ]
}

/** Rows a document for people (report.html, report.md) shows of a table: its CSV has every row. */
export const READABLE_TABLE_MAX_ROWS = 10_000

/** The first `count` rows of a table, made as they are read. */
export function* firstRows(table: Table, count: number): Iterable<ReadonlyArray<Cell>> {
  if (count <= 0) return
  let shown = 0
  for (const row of table.rows()) {
    yield row
    if (++shown >= count) return
  }
}

/** What a document that shows `shown` of a table's rows says of the rest; undefined when it shows them all. */
export const cutNote = (table: Table, shown: number): string | undefined =>
  shown < table.rowCount
    ? `the first ${grouped(shown, 0)} of ${grouped(table.rowCount, 0)} rows; ${table.id}.csv has every row`
    : undefined

/**
 * `1234567.891` → `1,234,567.89` (fixed, locale-independent: the same bytes everywhere, and
 * no ICU start-up, which costs a first toLocaleString call tens of milliseconds).
 */
export const grouped = (n: number, decimals: number): string => {
  const [whole, fraction] = Math.abs(n).toFixed(decimals).split(".")
  const digits = whole!.replace(/\B(?=(\d{3})+(?!\d))/g, ",")
  return (n < 0 ? "-" : "") + digits + (fraction === undefined ? "" : "." + fraction)
}

/** A cell for people: grouped digits, two decimals for statistics, `—` for a missing value. */
export const displayCell = (cell: Cell, kind: CellKind): string => {
  if (cell === null) return "—"
  if (typeof cell === "string") return cell
  switch (kind) {
    case "integer":
      return grouped(cell, 0)
    case "decimal":
      return grouped(cell, 2)
    default:
      return String(cell)
  }
}

/** A cell for machines: the exact number as JSON writes it, empty for null. */
export const exactCell = (cell: Cell): string => cell === null ? "" : String(cell)

export const isNumeric = (kind: CellKind) => kind !== "text"
