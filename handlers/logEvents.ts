/**
 * The events of the handlers' own log records, named once for the handlers and for the
 * stack, whose metric filters (infra/monitoring.ts) match `$.message.event`.
 */
export const LogEvent = {
  ingestSucceeded: "ingest.succeeded",
  ingestFailed: "ingest.failed",
  reportsStored: "analytics.reports",
  recordFailed: "analytics.record-failed",
  recordSkipped: "analytics.record-skipped"
} as const

export type LogEvent = typeof LogEvent[keyof typeof LogEvent]
