/**
 * One log shape for every edge: a flat object — `time`, `level`, `event`, `message`, then
 * the event's own fields — so the CLI's JSON lines, the Lambda functions' log records and
 * a `jq`/CloudWatch Logs Insights query all read the same field names.
 *
 * Domain code logs either a sentence (`Effect.logWarning("…")`, event "log") or an object
 * that names its event (`Effect.logInfo({ event: "sync.summary", message: "…", … })`).
 * Log annotations become fields; a failure's cause becomes `error` (its one sentence) and
 * `cause` (the pretty trace, for the reader who needs the root of it).
 */
import * as Cause from "effect/Cause"
import * as Logger from "effect/Logger"
import * as References from "effect/References"
import { causeMessage } from "../causeMessage.ts"

export type LogRecordLevel = "TRACE" | "DEBUG" | "INFO" | "WARN" | "ERROR" | "FATAL"

export interface LogRecord {
  readonly time: string
  readonly level: LogRecordLevel
  readonly event: string
  readonly message: string
  readonly [field: string]: unknown
}

const levels: Record<string, LogRecordLevel> = {
  All: "TRACE",
  Trace: "TRACE",
  Debug: "DEBUG",
  Info: "INFO",
  Warn: "WARN",
  Warning: "WARN",
  Error: "ERROR",
  Fatal: "FATAL",
  None: "INFO"
}

const isFields = (part: unknown): part is Record<string, unknown> =>
  typeof part === "object" && part !== null && !Array.isArray(part) && !(part instanceof Error)

/** Builds a record from its parts: the time, the level, then the message parts in order. */
export const makeLogRecord = (
  date: Date,
  level: LogRecordLevel,
  parts: ReadonlyArray<unknown>,
  extra: Record<string, unknown> = {}
): LogRecord => {
  const sentences: Array<string> = []
  const fields: Record<string, unknown> = {}
  for (const part of parts) {
    if (isFields(part)) Object.assign(fields, part)
    else if (part instanceof Error) sentences.push(part.message)
    else if (part !== undefined) sentences.push(String(part))
  }
  const { event, message, time: _time, level: _level, ...rest } = { ...extra, ...fields }
  const text = [typeof message === "string" ? message : undefined, ...sentences].filter(Boolean).join(" ")
  return {
    time: date.toISOString(),
    level,
    event: typeof event === "string" && event !== "" ? event : "log",
    message: text !== "" ? text : typeof event === "string" ? event : "",
    ...rest
  }
}

/** The record of one Effect log call, annotations and cause included. */
export const logRecordOf = (options: Logger.Options<unknown>): LogRecord => {
  const parts = Array.isArray(options.message) ? options.message : [options.message]
  const annotations = options.fiber.getRef(References.CurrentLogAnnotations)
  const failure = options.cause.reasons.length === 0 ? {} : {
    error: causeMessage(options.cause),
    cause: Cause.pretty(options.cause)
  }
  return makeLogRecord(options.date, levels[options.logLevel] ?? "INFO", parts, { ...annotations, ...failure })
}

/** An Effect logger that hands each line, as a record, to `write`. */
export const recordLogger = (write: (record: LogRecord) => void) =>
  Logger.make((options) => write(logRecordOf(options)))
