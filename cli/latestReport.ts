/**
 * `quest show`: the report document the last run stored (`reports/latest/report.json`),
 * read back as it is — nothing recomputed, nothing written.
 */
import * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"
import type { ReportDocument } from "../domain/reports/reportDocument.ts"
import { LATEST_REPORTS_FOLDER } from "../domain/reports/runReports.ts"
import { getBytes, ObjectStore } from "../domain/store/ObjectStore.ts"

export const LATEST_REPORT_KEY = `${LATEST_REPORTS_FOLDER}report.json`

export class NoStoredReport extends Schema.TaggedError<NoStoredReport>()("NoStoredReport", {
  key: Schema.String,
  location: Schema.String
}) {
  override get message() {
    return `${this.location} holds no ${this.key} yet: run \`quest run\` (or \`quest report\` once the inputs are there) to make the reports.`
  }
}

export class StoredReportUnreadable extends Schema.TaggedError<StoredReportUnreadable>()("StoredReportUnreadable", {
  key: Schema.String,
  location: Schema.String,
  detail: Schema.String
}) {
  override get message() {
    return `${this.key} in ${this.location} is not a report document this quest reads (${this.detail}); ` +
      `run \`quest report\` to store a fresh one.`
  }
}

const looksLikeReport = (value: unknown): value is ReportDocument => {
  const doc = value as Record<string, unknown> | null
  return typeof doc === "object" && doc !== null && typeof doc["populationStats"] === "object" && typeof doc["inputs"] === "object" &&
    ["bestYearBySeries", "seriesWithoutQuarters", "prs30006032Q01"].every((key) => Array.isArray(doc[key]))
}

export const latestStoredReport = Effect.gen(function*() {
  const store = yield* ObjectStore
  const found = yield* getBytes(LATEST_REPORT_KEY)
  if (found === undefined) return yield* new NoStoredReport({ key: LATEST_REPORT_KEY, location: store.location })
  const unreadable = (detail: string) => new StoredReportUnreadable({ key: LATEST_REPORT_KEY, location: store.location, detail })
  const parsed = yield* Effect.try({
    try: () => JSON.parse(new TextDecoder().decode(found.bytes)) as unknown,
    catch: (error) => unreadable(`not JSON: ${error instanceof Error ? error.message : String(error)}`)
  })
  if (!looksLikeReport(parsed)) return yield* unreadable("it lacks the report tables")
  return { doc: parsed, key: LATEST_REPORT_KEY }
})
