/**
 * The events of the handlers' own log records, named once for the handlers and for the
 * stack: infra/monitoring.ts counts the ingest's success records (the "no successful
 * ingest" alarm) and the analytics' failure records (the "report failed" alarm).
 *
 * Each record is one flat object (lambdaLogging.ts) passed to the console method of its
 * level: with the functions' JSON log format, Lambda writes it as
 * `{"timestamp", "level", "requestId", "message": {time, level, event, message, …}}`, so a
 * CloudWatch Logs metric filter can match `$.message.event`. (An Embedded Metric Format
 * line would have to bypass the console and write to stdout directly, which code that
 * also runs on Deno cannot do.)
 */
export const LogEvent = {
  ingestSucceeded: "ingest.succeeded",
  ingestFailed: "ingest.failed",
  reportsStored: "analytics.reports",
  recordFailed: "analytics.record-failed",
  recordSkipped: "analytics.record-skipped"
} as const

export type LogEvent = typeof LogEvent[keyof typeof LogEvent]
