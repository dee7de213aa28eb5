/**
 * Where the command writes: results on stdout, logs and progress on stderr, in the ONE log
 * shape (domain/logging/logRecord.ts). On a terminal a person reads short lines (warnings
 * and errors; every level with --verbose) and one transient status line (progress) at the
 * bottom of stderr, cleared before anything else is written and redrawn after; anywhere
 * else (CI, pipes, --json) one flat JSON object per line, info and up, as the Lambda
 * functions log.
 */
import process from "node:process"
import type { LogRecord, LogRecordLevel } from "../domain/logging/logRecord.ts"

export interface Terminal {
  /** Stderr is a terminal a person watches (progress and human log lines make sense). */
  readonly interactive: boolean
  readonly out: (text: string) => void
  readonly err: (text: string) => void
  /** Shows a transient status line (interactive only); `undefined` removes it. */
  readonly status: (line: string | undefined) => void
}

export const processTerminal = (): Terminal => {
  const interactive = process.stderr.isTTY === true
  let current: string | undefined
  const around = (write: () => void) => {
    if (current !== undefined) process.stderr.write("\r\x1b[2K")
    write()
    const width = process.stderr.columns || 100
    if (current !== undefined) process.stderr.write(`\r\x1b[2K${current.length < width ? current : `${current.slice(0, width - 2)}…`}`)
  }
  return {
    interactive,
    out: (text) => around(() => process.stdout.write(text)),
    err: (text) => around(() => process.stderr.write(text)),
    status: (line) => interactive && around(() => (current = line))
  }
}

export type CliLog = ReturnType<typeof makeCliLog>

const rank: Record<LogRecordLevel, number> = { TRACE: 0, DEBUG: 1, INFO: 2, WARN: 3, ERROR: 4, FATAL: 5 }
const prefixes: Partial<Record<LogRecordLevel, string>> = { WARN: "warning: ", ERROR: "error: ", FATAL: "error: " }

/** A record as a person reads it: `warning: message`, with its short fields when verbose (the full record is one --json away). */
const humanLine = (record: LogRecord, verbose: boolean): string => {
  const { time: _t, level: _l, event: _e, message, cause: _c, error, ...fields } = record
  const shown = verbose
    ? Object.entries(fields).filter(([, value]) => value !== undefined && (typeof value !== "object" || value === null))
      .map(([key, value]) => `${key}=${String(value)}`).join(" ")
    : ""
  const why = typeof error === "string" && !message.includes(error) ? `: ${error}` : ""
  return `${prefixes[record.level] ?? ""}${message}${why}${shown === "" ? "" : `  (${shown})`}`
}

/** `human`: lines for a person (a terminal, no --json) rather than JSON lines. */
export const makeCliLog = (mode: { readonly human: boolean; readonly verbose: boolean }, terminal: Terminal, now = () => new Date()) => {
  const least = rank[mode.verbose ? "DEBUG" : mode.human ? "WARN" : "INFO"]
  const write = (record: LogRecord) => {
    if (rank[record.level] >= least) terminal.err(`${mode.human ? humanLine(record, mode.verbose) : JSON.stringify(record)}\n`)
  }
  /** Makes and writes a record now. */
  const say = (level: LogRecordLevel, event: string, message: string, fields: Record<string, unknown> = {}) =>
    write({ time: now().toISOString(), level, event, message, ...fields })
  /** News for a person: the bare line on a terminal, else a record at any level. */
  const tell = (level: LogRecordLevel, event: string, message: string, fields?: Record<string, unknown>) =>
    mode.human ? terminal.err(`${message}\n`) : say(level, event, message, fields)
  return { mode, write, say, tell }
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
