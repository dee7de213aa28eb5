/** One CSV per report table (RFC 4180 quoting, LF line ends), with exact numbers. */
import { type Cell, exactCell, type Table } from "./reportTables.ts"

const field = (text: string) => /[",\r\n]/.test(text) ? `"${text.replaceAll("\"", "\"\"")}"` : text

const line = (row: ReadonlyArray<Cell>) => {
  let text = field(exactCell(row[0]!))
  for (let i = 1; i < row.length; i++) text += "," + field(exactCell(row[i]!))
  return text + "\n"
}

/** The CSV a line at a time, for streaming a large report to the store. */
export function* csvPieces(table: Table): Iterable<string> {
  yield table.columns.map((column) => field(column.name)).join(",") + "\n"
  for (const row of table.rows()) yield line(row)
}
