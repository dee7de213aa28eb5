/**
 * The report document as tables: one model that the CSV, Markdown, HTML and terminal
 * renderers all print, so they cannot disagree about columns or rows. Column names are
 * snake_case, the convention of every tabular format, and say what they hold. Cells keep
 * their raw values; a renderer writes them exact (CSV) or readable (people).
 */
import type { ReportDocument } from "./reportDocument.ts"

/** `value` is a BLS figure, written as in the source (16.4). */
export type CellKind = "text" | "year" | "value" | "integer" | "decimal"

export type Cell = string | number | null

export interface Table {
  /** File stem of the table's CSV. */
  readonly id: string
  readonly title: string
  readonly columns: ReadonlyArray<{ readonly name: string; readonly kind: CellKind }>
  readonly rowCount: number
  /** The first `count` rows, made as they are read: a large report is never held twice. */
  readonly rows: (count?: number) => Iterable<ReadonlyArray<Cell>>
}

const table = <A>(
  id: string,
  title: string,
  columns: Record<string, CellKind>,
  items: ReadonlyArray<A>,
  cells: (item: A) => ReadonlyArray<Cell>
): Table => ({
  id,
  title,
  columns: Object.entries(columns).map(([name, kind]) => ({ name, kind })),
  rowCount: items.length,
  rows: function*(count = Infinity) {
    for (let i = 0; i < Math.min(count, items.length); i++) yield cells(items[i]!)
  }
})

export const reportTables = (doc: ReportDocument): ReadonlyArray<Table> => {
  const { years, mean, stddevSample, stddevPopulation } = doc.populationStats
  return [
    // The range as two fields a spreadsheet or SQL can use, and how many years it holds.
    table(
      "population-stats",
      `US population, ${years[0]}–${years.at(-1)}`,
      { year_from: "year", year_to: "year", year_count: "integer", mean: "decimal", stddev_sample: "decimal", stddev_population: "decimal" },
      [doc.populationStats],
      () => [years[0] ?? null, years.at(-1) ?? null, years.length, mean, stddevSample, stddevPopulation]
    ),
    // The figure is the year's Q01–Q04 summed, not a value BLS published: named so.
    table("best-year-by-series", "Best year by series: largest sum of Q01–Q04", { series_id: "text", year: "year", sum_q01_q04: "value" }, doc.bestYearBySeries, (best) => [best.seriesId, best.year, best.sumQ01Q04]),
    table("series-without-quarters", "Series without quarterly rows", { series_id: "text" }, doc.seriesWithoutQuarters, (series) => [series]),
    table(
      "prs30006032-q01",
      "PRS30006032 Q01 with US population",
      { series_id: "text", year: "year", period: "text", value: "value", population: "integer" },
      doc.prs30006032Q01,
      (row) => [row.seriesId, row.year, row.period, row.value, row.population]
    )
  ]
}

/** Rows a document for people (report.html, report.md) shows of a table: its CSV has every row. */
export const READABLE_TABLE_MAX_ROWS = 10_000

/** What a document that shows `shown` of a table's rows says of the rest; undefined when it shows them all. */
export const cutNote = (table: Table, shown: number): string | undefined =>
  shown < table.rowCount
    ? `the first ${grouped(shown, 0)} of ${grouped(table.rowCount, 0)} rows; ${table.id}.csv has every row`
    : undefined

/** `1234567.891` → `1,234,567.89`: fixed, locale-independent, the same bytes everywhere. */
export const grouped = (n: number, decimals: number): string => {
  const [whole, fraction] = Math.abs(n).toFixed(decimals).split(".")
  return (n < 0 ? "-" : "") + whole!.replace(/\B(?=(\d{3})+(?!\d))/g, ",") + (fraction === undefined ? "" : "." + fraction)
}

/** A cell for people: grouped digits, two decimals for statistics, `—` for a missing value. */
export const displayCell = (cell: Cell, kind: CellKind): string =>
  cell === null ? "—" : typeof cell === "string" ? cell : kind === "integer" || kind === "decimal" ? grouped(cell, kind === "decimal" ? 2 : 0) : String(cell)

/** A cell for machines: the exact number as JSON writes it, empty for null. */
export const exactCell = (cell: Cell): string => cell === null ? "" : String(cell)

const csvField = (text: string) => /[",\r\n]/.test(text) ? `"${text.replaceAll("\"", "\"\"")}"` : text

/** A table as CSV (RFC 4180 quoting, LF line ends) with exact numbers, a line at a time. */
export function* csvPieces(table: Table): Iterable<string> {
  yield table.columns.map((column) => csvField(column.name)).join(",") + "\n"
  for (const row of table.rows()) yield row.map((cell) => csvField(exactCell(cell))).join(",") + "\n"
}
