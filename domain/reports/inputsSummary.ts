/** What the reports were computed from, in two lines for people (terminal and Markdown). */
import type { ReportDocument } from "./reportDocument.ts"

export const inputsSummary = (doc: ReportDocument): string => {
  const { bls, population } = doc.inputs
  return [
    `${bls.key}: ${bls.rows} rows, ${bls.rejected} rejected, sha256 ${bls.sha256}`,
    `${population.key}: ${population.years} years, sha256 ${population.sha256}`
  ].join("\n")
}
