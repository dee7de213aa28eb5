/**
 * Every line a function logs — the domain's Effect logs and the handlers' own — is one flat
 * record (domain/logging/logRecord.ts) written with the console method of its level: with
 * the functions' JSON log format, Lambda files it at that level and stores it as
 * `{"timestamp", "level", "requestId", "message": {time, level, event, message, …}}`.
 */
import * as Logger from "effect/Logger"
import { type LogRecord, type LogRecordLevel, makeLogRecord, recordLogger } from "../domain/logging/logRecord.ts"
import type { LogEvent } from "./logEvents.ts"

const consoleMethod = { TRACE: "debug", DEBUG: "debug", INFO: "info", WARN: "warn", ERROR: "error", FATAL: "error" } as const

// Looked up at each call, not bound once, so the console a test captures is the one written to.
const writeRecord = (record: LogRecord): void => console[consoleMethod[record.level]](record)

export const lambdaLogging = Logger.layer([recordLogger(writeRecord)])

/** A handler's own line: its event, a sentence for people, and the fields for queries. */
export const logEvent = (level: LogRecordLevel, event: LogEvent, message: string, fields: Record<string, unknown> = {}) =>
  writeRecord(makeLogRecord(new Date(), level, [{ ...fields, event, message }]))
