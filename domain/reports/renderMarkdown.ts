/** `report.md`: the inputs and the report tables in Markdown. */
import { inputsSummary, type ReportDocument } from "./reportDocument.ts"
import { cutNote, displayCell, READABLE_TABLE_MAX_ROWS, reportTables } from "./reportTables.ts"

const escape = (text: string) => text.replaceAll("|", "\\|")

/** The Markdown a line at a time, for streaming a large report to the store. */
export function* markdownPieces(doc: ReportDocument): Iterable<string> {
  yield "# BLS productivity and US population reports\n\n"
  yield inputsSummary(doc).split("\n").map((line) => `- ${line}\n`).join("")
  for (const table of reportTables(doc)) {
    yield `\n## ${table.title}\n\n`
    if (table.rowCount === 0) {
      yield "None.\n"
      continue
    }
    yield `| ${table.columns.map((column) => escape(column.name)).join(" | ")} |\n`
    yield `|${table.columns.map((column) => (column.kind === "text" ? " :-- " : " --: ")).join("|")}|\n`
    for (const row of table.rows(READABLE_TABLE_MAX_ROWS)) {
      yield `| ${row.map((cell, i) => escape(displayCell(cell, table.columns[i]!.kind))).join(" | ")} |\n`
    }
    const cut = cutNote(table, Math.min(table.rowCount, READABLE_TABLE_MAX_ROWS))
    if (cut !== undefined) yield `\n_Shown: ${cut}._\n`
  }
}
