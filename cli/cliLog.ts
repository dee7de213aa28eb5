/**
 * Everything the command says on stderr, in the ONE log shape (domain/logging/logRecord.ts).
 * On a terminal a person reads short lines (warnings and errors; every level with
 * --verbose) beside the summary on stdout; anywhere else (CI, pipes, --json) one flat JSON
 * object per line, info and up, as the Lambda functions log.
 */
import type { LogRecord, LogRecordLevel } from "../domain/logging/logRecord.ts"
import type { Terminal } from "./terminal.ts"

export interface LogMode {
  /** Human lines (a terminal, no --json) rather than JSON lines. */
  readonly human: boolean
  readonly verbose: boolean
}

export interface CliLog {
  readonly mode: LogMode
  /** Writes one record as the mode asks (a line for a person, or a JSON line). */
  readonly write: (record: LogRecord) => void
  /** Makes and writes a record now. */
  readonly say: (level: LogRecordLevel, event: string, message: string, fields?: Record<string, unknown>) => void
  /** News for a person: the bare line on a terminal, else a record at any level. */
  readonly tell: (level: LogRecordLevel, event: string, message: string, fields?: Record<string, unknown>) => void
}

const rank: Record<LogRecordLevel, number> = { TRACE: 0, DEBUG: 1, INFO: 2, WARN: 3, ERROR: 4, FATAL: 5 }

export const minimumLevel = (mode: LogMode): LogRecordLevel => mode.verbose ? "DEBUG" : mode.human ? "WARN" : "INFO"

const prefixes: Partial<Record<LogRecordLevel, string>> = { WARN: "warning: ", ERROR: "error: ", FATAL: "error: " }

/** Fields a person reads beside the message: short values only (the full record is one --json away). */
const humanFields = (record: LogRecord): string => {
  const { time: _t, level: _l, event: _e, message: _m, cause: _c, error: _x, ...fields } = record
  return Object.entries(fields)
    .filter(([, value]) => value !== undefined && (typeof value !== "object" || value === null))
    .map(([key, value]) => `${key}=${String(value)}`)
    .join(" ")
}

/** A record as a person reads it on a terminal: `warning: message (key=value …)`. */
export const humanLine = (record: LogRecord, verbose: boolean): string => {
  const fields = verbose ? humanFields(record) : ""
  const error = typeof record["error"] === "string" && !record.message.includes(record["error"]) ? `: ${record["error"]}` : ""
  return `${prefixes[record.level] ?? ""}${record.message}${error}${fields === "" ? "" : `  (${fields})`}`
}

/** The quest command's exit codes: 0 done, 1 the work failed, 2 bad usage, 130 stopped. */
export const EXIT = { done: 0, failed: 1, usage: 2, interrupted: 130 } as const

/** Bad usage (exit 2): one sentence and where to look, as a line for a person or as one log record. */
export const usage = (log: CliLog, terminal: Terminal, message: string, command: string | undefined): number => {
  const hint = `See \`quest${command === undefined ? "" : ` ${command}`} --help\` for the commands, flags and settings.`
  if (log.mode.human) terminal.err(`quest${command === undefined ? "" : ` ${command}`}: ${message}\n${hint}\n`)
  else log.say("ERROR", "usage", message, { command, hint, exitCode: EXIT.usage })
  return EXIT.usage
}

export const makeCliLog = (mode: LogMode, terminal: Terminal, now: () => Date = () => new Date()): CliLog => {
  const least = rank[minimumLevel(mode)]
  const write = (record: LogRecord) => {
    if (rank[record.level] < least) return
    terminal.err(`${mode.human ? humanLine(record, mode.verbose) : JSON.stringify(record)}\n`)
  }
  const say: CliLog["say"] = (level, event, message, fields = {}) =>
    write({ time: now().toISOString(), level, event, message, ...fields })
  return {
    mode,
    write,
    say,
    tell: (level, event, message, fields) => mode.human ? terminal.err(`${message}\n`) : say(level, event, message, fields)
  }
}

