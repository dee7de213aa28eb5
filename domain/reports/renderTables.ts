/** The reports as aligned plain-text tables, for a terminal (`quest report`, `quest show`). */
import { inputsSummary, type ReportDocument } from "./reportDocument.ts"
import { displayCell, grouped, reportTables, type Table } from "./reportTables.ts"

export interface TableOptions {
  /** Show at most this many rows of a table, then say how many there are (as duckdb does). */
  readonly maxRows?: number | undefined
}

/** A table's text: one pass over the shown rows for the widths, another for the lines, so it is never held whole. */
function* tablePieces(table: Table, maxRows: number): Iterable<string> {
  const cellsOf = (row: ReadonlyArray<string | number | null>) => row.map((cell, i) => displayCell(cell, table.columns[i]!.kind))
  const widths = table.columns.map((column) => column.name.length)
  let shown = 0
  for (const row of table.rows(maxRows)) {
    cellsOf(row).forEach((cell, i) => (widths[i] = Math.max(widths[i]!, cell.length)))
    shown++
  }
  // Text left, numbers right, so digits line up.
  const line = (cells: ReadonlyArray<string>) =>
    cells.map((cell, i) => table.columns[i]!.kind === "text" ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!)).join("  ").trimEnd()
  yield table.rowCount === 1 ? table.title : `${table.title} — ${grouped(table.rowCount, 0)} rows`
  yield `\n${line(table.columns.map((column) => column.name))}\n${widths.map((width) => "-".repeat(width)).join("  ")}`
  for (const row of table.rows(maxRows)) yield `\n${line(cellsOf(row))}`
  if (shown < table.rowCount) {
    yield `\n… ${shown} of ${grouped(table.rowCount, 0)} rows shown (--all prints them all, --json the whole document)`
  }
}

/** The inputs and the tables, piece by piece, for writing a large report out as it is made. */
export function* tablesPieces(doc: ReportDocument, options: TableOptions = {}): Iterable<string> {
  yield inputsSummary(doc)
  for (const table of reportTables(doc)) {
    yield "\n\n"
    yield* tablePieces(table, options.maxRows ?? Infinity)
  }
  yield "\n"
}

export const renderTables = (doc: ReportDocument, options: TableOptions = {}): string => [...tablesPieces(doc, options)].join("")
