/**
 * The structured log lines the handlers write, named once for the handlers and for the
 * stack (infra/monitoring.ts turns the ingest success line into the metric that the
 * "no successful ingest" alarm watches).
 *
 * Each line is one object passed to `console.info`/`console.error`: with the functions'
 * JSON log format, Lambda writes it as `{"timestamp", "level", "requestId", "message": {…}}`,
 * so a CloudWatch Logs metric filter can match `$.message.event`. (An Embedded Metric
 * Format line would have to bypass the console and write to stdout directly, which code
 * that also runs on Deno cannot do.)
 */
export const LogEvent = {
  ingestSucceeded: "ingest.succeeded",
  ingestFailed: "ingest.failed",
  reportsStored: "analytics.reports",
  recordFailed: "analytics.record-failed",
  recordSkipped: "analytics.record-skipped"
} as const

export type LogEvent = typeof LogEvent[keyof typeof LogEvent]
