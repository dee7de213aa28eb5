/** The files a report run stores: one CSV per table, `report.md`, `report.html` and `report.json`. */
import type { PopulationYear } from "../population/decodePopulation.ts"
import { htmlPieces } from "./renderHtml.ts"
import { markdownPieces } from "./renderMarkdown.ts"
import { type ReportDocument, reportJsonPieces } from "./reportDocument.ts"
import { csvPieces, reportTables } from "./reportTables.ts"

export interface ReportFile {
  readonly name: string
  readonly contentType: string
  /** The file's text, made piece by piece each time it is called. */
  readonly pieces: () => Iterable<string>
}

/**
 * `report.json` comes last: a reader that sees it finds the rest of the set already written.
 * `population` (the stored figures) is drawn by report.html's population chart.
 */
export const reportFiles = (doc: ReportDocument, population: ReadonlyArray<PopulationYear>): ReadonlyArray<ReportFile> => [
  ...reportTables(doc).map((table) => ({ name: `${table.id}.csv`, contentType: "text/csv; charset=utf-8", pieces: () => csvPieces(table) })),
  { name: "report.md", contentType: "text/markdown; charset=utf-8", pieces: () => markdownPieces(doc) },
  { name: "report.html", contentType: "text/html; charset=utf-8", pieces: () => htmlPieces(doc, population) },
  { name: "report.json", contentType: "application/json", pieces: () => reportJsonPieces(doc) }
]
