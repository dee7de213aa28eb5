/** The reports as aligned plain-text tables, for a terminal (`quest report`, `quest show`). */
import { inputsSummary } from "./inputsSummary.ts"
import type { ReportDocument } from "./reportDocument.ts"
import { type Cell, displayCell, firstRows, grouped, isNumeric, reportTables, type Table } from "./reportTables.ts"

export interface TableOptions {
  /** Show at most this many rows of a table, then say how many there are (as duckdb does). */
  readonly maxRows?: number | undefined
}

/**
 * A table's text, made as it is written: one pass over the shown rows for the column
 * widths, another for the lines, so a table of a million series is never held as text.
 */
function* tablePieces(table: Table, maxRows: number): Iterable<string> {
  const header = table.columns.map((column) => column.name)
  const cellsOf = (row: ReadonlyArray<Cell>) => row.map((cell, i) => displayCell(cell, table.columns[i]!.kind))
  const widths = header.map((name) => name.length)
  let shown = 0
  for (const row of firstRows(table, maxRows)) {
    const cells = cellsOf(row)
    for (let i = 0; i < widths.length; i++) widths[i] = Math.max(widths[i]!, cells[i]!.length)
    shown++
  }
  // Text left, numbers right, so digits line up.
  const line = (cells: ReadonlyArray<string>) =>
    cells.map((cell, i) =>
      isNumeric(table.columns[i]!.kind) ? cell.padStart(widths[i]!) : cell.padEnd(widths[i]!)
    ).join("  ").trimEnd()
  yield table.rowCount === 1 ? table.title : `${table.title} — ${grouped(table.rowCount, 0)} rows`
  yield `\n${line(header)}\n${widths.map((width) => "-".repeat(width)).join("  ")}`
  for (const row of firstRows(table, maxRows)) yield `\n${line(cellsOf(row))}`
  const hidden = table.rowCount - shown
  if (hidden > 0) {
    yield `\n… ${shown} of ${grouped(table.rowCount, 0)} rows shown (--all prints them all, --json the whole document)`
  }
}

/** The tables piece by piece, for writing a large report out as it is made. */
export function* tablesPieces(doc: ReportDocument, options: TableOptions = {}): Iterable<string> {
  yield inputsSummary(doc)
  for (const table of reportTables(doc)) {
    yield "\n\n"
    yield* tablePieces(table, options.maxRows ?? Infinity)
  }
  yield "\n"
}

export const renderTables = (doc: ReportDocument, options: TableOptions = {}): string =>
  [...tablesPieces(doc, options)].join("")
