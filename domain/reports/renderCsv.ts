/** One CSV per report table (RFC 4180 quoting, LF line ends), with exact numbers. */
import { type Cell, exactCell, type Table } from "./reportTables.ts"

const field = (text: string) => /[",\r\n]/.test(text) ? `"${text.replaceAll("\"", "\"\"")}"` : text

export const renderCsv = (table: Table): string =>
  [table.columns.map((column) => field(column.name)), ...table.rows.map((row) => row.map((cell: Cell) => field(exactCell(cell))))]
    .map((cells) => cells.join(",") + "\n")
    .join("")
