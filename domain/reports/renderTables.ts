/** The reports as aligned plain-text tables, for a terminal (`quest report`). */
import { inputsSummary } from "./inputsSummary.ts"
import type { ReportDocument } from "./reportDocument.ts"
import { displayCell, isNumeric, reportTables, type Table } from "./reportTables.ts"

const renderTable = (table: Table): string => {
  const header = table.columns.map((column) => column.name)
  const body = Array.from(table.rows(), (row) => row.map((cell, i) => displayCell(cell, table.columns[i]!.kind)))
  const widths = header.map((name, i) => body.reduce((width, cells) => Math.max(width, cells[i]!.length), name.length))
  // Text left, numbers right, so digits line up.
  const line = (cells: ReadonlyArray<string>) =>
    cells.map((cell, i) =>
      isNumeric(table.columns[i]!.kind) ? cell.padStart(widths[i]!) : cell.padEnd(widths[i]!)
    ).join("  ").trimEnd()
  return [
    table.rowCount === 1 ? table.title : `${table.title} — ${table.rowCount} rows`,
    line(header),
    widths.map((width) => "-".repeat(width)).join("  "),
    ...body.map(line)
  ].join("\n")
}

export const renderTables = (doc: ReportDocument): string =>
  [inputsSummary(doc), ...reportTables(doc).map(renderTable)].join("\n\n") + "\n"
