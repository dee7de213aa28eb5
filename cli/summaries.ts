/** The short text each step ends with on stdout (without --json), its sizes and durations as people read them. */
import { join } from "node:path"
import type { SyncSummary } from "../domain/bls/syncMirror.ts"
import type { SurveysRun } from "../domain/bls/syncSurveys.ts"
import type { PopulationRunSummary } from "../domain/population/fetchPopulation.ts"
import { isUrlLocation } from "../adapters/s3Location.ts"

/** 1.2 MB, 340 KB, 12 B. */
export const formatBytes = (bytes: number): string => {
  const unit = Math.min(4, Math.max(0, Math.floor(Math.log10(Math.max(bytes, 1)) / 3)))
  const value = bytes / 1000 ** unit
  return unit === 0 ? `${bytes} B` : `${value.toFixed(value < 10 ? 1 : 0)} ${["B", "KB", "MB", "GB", "TB"][unit]}`
}

export const formatDuration = (ms: number): string =>
  ms < 1000 ? `${Math.round(ms)} ms` : ms < 60_000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`

const plural = (count: number, one: string, many = `${one}s`): string => `${count} ${count === 1 ? one : many}`

const marks: Readonly<Record<string, string>> = { added: "+", updated: "~", deleted: "-", unchanged: "=" }

const fileLines = (files: SyncSummary["files"], dryRun: boolean, maxRows: number) => {
  const shown = files.slice(0, maxRows).map((file) => `  ${marks[file.action] ?? "?"} ${file.name}${dryRun ? ` (would be ${file.action})` : ""}`)
  const more = files.length - shown.length
  return more > 0 ? [...shown, `  … and ${more} more (--all or --json lists them all)`] : shown
}

/** A survey's summary (`survey` names it when a run has several), or one sync's; `maxRows` files at most. */
export const syncText = (s: SyncSummary, maxRows?: number, survey?: string): string => {
  const counts = `${s.added} added, ${s.updated} updated, ${s.deleted} deleted, ${s.unchanged} unchanged`
  const traffic = `${plural(s.listed, "file")} listed; ${formatBytes(s.bytesDownloaded)} downloaded in ` +
    `${plural(s.requests, "request")}; ${formatDuration(s.durationMs)}`
  const head = `BLS sync${survey === undefined ? "" : ` ${survey}`}${s.dryRun ? " (dry run, nothing changed): would be" : ":"} ${counts}  (${traffic})`
  const refused = s.deleteGuardWouldRefuse === undefined ? [] : [`  A real run would be refused: ${s.deleteGuardWouldRefuse}`]
  return [head, ...refused, ...fileLines(s.files, s.dryRun, maxRows ?? Infinity)].join("\n") + "\n"
}

/** One summary per survey, then the total; a single survey reads as a plain sync. */
export const surveysText = (run: SurveysRun, maxRows?: number): string => {
  const only = run.surveys.length === 1 ? run.surveys[0] : undefined
  if (only?.ok === true) return syncText(only.summary, maxRows)
  const each = run.surveys.map((outcome) =>
    outcome.ok
      ? syncText(outcome.summary, maxRows, outcome.survey)
      : `BLS sync ${outcome.survey}: FAILED, nothing deleted and earlier copies kept — ${outcome.error}\n`
  )
  if (only !== undefined) return each.join("")
  const t = run.total
  const failed = t.failed.length === 0 ? "all synced" : `${t.failed.length} failed (${t.failed.join(", ")})`
  return each.join("") +
    `Total: ${plural(t.surveys, "survey")}, ${failed}; ${t.added} added, ${t.updated} updated, ${t.deleted} deleted, ` +
    `${t.unchanged} unchanged; ${formatBytes(t.bytesDownloaded)} in ${plural(t.requests, "request")}\n`
}

const populationOutcome = (s: PopulationRunSummary) =>
  ({ "dry run": "dry run, nothing written", unchanged: "unchanged, not rewritten" } as Record<string, string>)[s.reason] ??
    `${s.written ? "written" : "not written"} (${s.reason})`

export const populationText = (s: PopulationRunSummary): string =>
  `Population: ${populationOutcome(s)} → ${s.key}  (${plural(s.rows, "year")} ${s.firstYear}–${s.lastYear}; ` +
  `${formatBytes(s.bytes)} in ${plural(s.requests, "request")}; ${formatDuration(s.durationMs)})\n`

/** Where the reports went; for a local store, the page to open (an S3 store's is a download away). */
export const reportsStoredText = (folders: ReadonlyArray<string>, location: string): string =>
  `Reports stored under ${folders.join(" and ")} in ${location}.\n` +
  (isUrlLocation(location) ? "" : `Open ${join(location, folders.at(-1) ?? "", "report.html")} to look at them.\n`)
