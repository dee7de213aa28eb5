/** The files a report run stores: `report.json`, one CSV per table, and `report.md`. */
import { renderCsv } from "./renderCsv.ts"
import { renderMarkdown } from "./renderMarkdown.ts"
import { type ReportDocument, renderReportJson } from "./reportDocument.ts"
import { reportTables } from "./reportTables.ts"

export interface ReportFile {
  readonly name: string
  readonly contentType: string
  readonly body: string
}

/** `report.json` comes last: a reader that sees it finds the rest of the set already written. */
export const reportFiles = (doc: ReportDocument): ReadonlyArray<ReportFile> => [
  ...reportTables(doc).map((table) => ({
    name: `${table.id}.csv`,
    contentType: "text/csv; charset=utf-8",
    body: renderCsv(table)
  })),
  { name: "report.md", contentType: "text/markdown; charset=utf-8", body: renderMarkdown(doc) },
  { name: "report.json", contentType: "application/json", body: renderReportJson(doc) }
]
