/** `report.md`: a Markdown summary with the report tables and the inputs they come from. */
import { inputsSummary } from "./inputsSummary.ts"
import type { ReportDocument } from "./reportDocument.ts"
import {
  cutNote,
  displayCell,
  firstRows,
  isNumeric,
  READABLE_TABLE_MAX_ROWS,
  reportTables,
  type Table
} from "./reportTables.ts"

const escape = (text: string) => text.replaceAll("|", "\\|")

function* tablePieces(table: Table): Iterable<string> {
  yield `\n## ${table.title}\n\n`
  if (table.rowCount === 0) return yield "None.\n"
  yield `| ${table.columns.map((column) => escape(column.name)).join(" | ")} |\n`
  yield `|${table.columns.map((column) => (isNumeric(column.kind) ? " --: " : " :-- ")).join("|")}|\n`
  let shown = 0
  for (const row of firstRows(table, READABLE_TABLE_MAX_ROWS)) {
    yield `| ${row.map((cell, i) => escape(displayCell(cell, table.columns[i]!.kind))).join(" | ")} |\n`
    shown++
  }
  const cut = cutNote(table, shown)
  if (cut !== undefined) yield `\n_Shown: ${cut}._\n`
}

/** The Markdown a line at a time, for streaming a large report to the store. */
export function* markdownPieces(doc: ReportDocument): Iterable<string> {
  yield "# BLS productivity and US population reports\n\n"
  yield inputsSummary(doc).split("\n").map((line) => `- ${line}\n`).join("")
  for (const table of reportTables(doc)) yield* tablePieces(table)
}

export const renderMarkdown = (doc: ReportDocument): string => [...markdownPieces(doc)].join("")
