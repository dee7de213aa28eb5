/** The reports as aligned plain-text tables, for a terminal (`quest report`, `quest show`). */
import { inputsSummary } from "./inputsSummary.ts"
import type { ReportDocument } from "./reportDocument.ts"
import { type Cell, displayCell, grouped, isNumeric, reportTables, type Table } from "./reportTables.ts"

export interface TableOptions {
  /** Show at most this many rows of a table, then say how many there are (as duckdb does). */
  readonly maxRows?: number | undefined
}

function* firstRows(table: Table, count: number): Iterable<ReadonlyArray<Cell>> {
  if (count <= 0) return
  let shown = 0
  for (const row of table.rows()) {
    yield row
    if (++shown >= count) return
  }
}

const renderTable = (table: Table, maxRows: number): string => {
  const header = table.columns.map((column) => column.name)
  const body = Array.from(firstRows(table, maxRows), (row) => row.map((cell, i) => displayCell(cell, table.columns[i]!.kind)))
  const widths = header.map((name, i) => body.reduce((width, cells) => Math.max(width, cells[i]!.length), name.length))
  // Text left, numbers right, so digits line up.
  const line = (cells: ReadonlyArray<string>) =>
    cells.map((cell, i) =>
      isNumeric(table.columns[i]!.kind) ? cell.padStart(widths[i]!) : cell.padEnd(widths[i]!)
    ).join("  ").trimEnd()
  const hidden = table.rowCount - body.length
  return [
    table.rowCount === 1 ? table.title : `${table.title} — ${grouped(table.rowCount, 0)} rows`,
    line(header),
    widths.map((width) => "-".repeat(width)).join("  "),
    ...body.map(line),
    ...(hidden > 0
      ? [`… ${body.length} of ${grouped(table.rowCount, 0)} rows shown (--all prints them all, --json the whole document)`]
      : [])
  ].join("\n")
}

export const renderTables = (doc: ReportDocument, options: TableOptions = {}): string =>
  [inputsSummary(doc), ...reportTables(doc).map((table) => renderTable(table, options.maxRows ?? Infinity))].join("\n\n") + "\n"
