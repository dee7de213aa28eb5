/** One CSV per report table (RFC 4180 quoting, LF line ends), with exact numbers. */
import { bestYearCsvBytes } from "./bestYearBytes.ts"
import { bestYearCells, type Cell, exactCell, type Table } from "./reportTables.ts"
import { type TextPiece, textOf } from "./streamedText.ts"

const field = (text: string) => /[",\r\n]/.test(text) ? `"${text.replaceAll("\"", "\"\"")}"` : text

const line = (row: ReadonlyArray<Cell>) => {
  let text = field(exactCell(row[0]!))
  for (let i = 1; i < row.length; i++) text += "," + field(exactCell(row[i]!))
  return text + "\n"
}

/** The CSV a line at a time (or a batch of encoded rows), for streaming a large report to the store. */
export function* csvPieces(table: Table): Iterable<TextPiece> {
  yield table.columns.map((column) => field(column.name)).join(",") + "\n"
  const columns = table.columnar
  if (columns !== undefined) {
    // Straight from the columns into bytes: see bestYearBytes.ts.
    return yield* bestYearCsvBytes(columns, (k) => line(bestYearCells(columns, k)))
  }
  for (const row of table.rows()) yield line(row)
}

export const renderCsv = (table: Table): string => textOf(csvPieces(table))
