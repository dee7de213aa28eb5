/** `report.md`: a Markdown summary with the report tables and the inputs they come from. */
import { inputsSummary } from "./inputsSummary.ts"
import type { ReportDocument } from "./reportDocument.ts"
import { displayCell, isNumeric, reportTables, type Table } from "./reportTables.ts"

const escape = (text: string) => text.replaceAll("|", "\\|")

const renderTable = (table: Table): string =>
  [
    `## ${table.title}`,
    "",
    `| ${table.columns.map((column) => escape(column.name)).join(" | ")} |`,
    `|${table.columns.map((column) => (isNumeric(column.kind) ? " --: " : " :-- ")).join("|")}|`,
    ...table.rows.map((row) =>
      `| ${row.map((cell, i) => escape(displayCell(cell, table.columns[i]!.kind))).join(" | ")} |`
    )
  ].join("\n")

export const renderMarkdown = (doc: ReportDocument): string =>
  [
    "# BLS productivity and US population reports",
    inputsSummary(doc).split("\n").map((line) => `- ${line}`).join("\n"),
    ...reportTables(doc).map((table) => table.rows.length === 0 ? `## ${table.title}\n\nNone.` : renderTable(table))
  ].join("\n\n") + "\n"
