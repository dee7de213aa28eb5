/**
 * The domain logs through Effect's logger; the command decides where those lines go.
 * On a terminal a person reads: warnings and errors as short human lines (everything with
 * --verbose), since the command prints its own summary. Anywhere else (CI, pipes, --json):
 * one JSON object per line on stderr, info and up, as the Lambda logs read.
 */
import { Effect, Logger, References } from "effect"
import type { LogLevel } from "effect/LogLevel"
import type { Terminal } from "./terminal.ts"

export interface LogMode {
  /** Human lines (a terminal, no --json) rather than JSON lines. */
  readonly human: boolean
  readonly verbose: boolean
}

const text = (part: unknown): string => typeof part === "string" ? part : JSON.stringify(part)

const humanLine = (options: Logger.Options<unknown>): string => {
  const parts = Array.isArray(options.message) ? options.message : [options.message]
  const annotations = Object.entries(options.fiber.getRef(References.CurrentLogAnnotations))
    .map(([key, value]) => `${key}=${text(value)}`)
  return [`${options.logLevel.toLowerCase()}:`, ...parts.map(text), ...annotations].join(" ")
}

const loggerFor = (mode: LogMode, terminal: Terminal) =>
  mode.human
    ? Logger.make((options) => terminal.err(humanLine(options) + "\n"))
    : Logger.make((options) => terminal.err(Logger.formatJson.log(options) + "\n"))

const minimumLevel = (mode: LogMode): LogLevel => mode.verbose ? "Debug" : mode.human ? "Warn" : "Info"

/** Routes the program's logs as the mode asks. */
export const withCliLogging = (mode: LogMode, terminal: Terminal) => <A, E, R>(program: Effect.Effect<A, E, R>) =>
  program.pipe(
    Effect.provide(Logger.layer([loggerFor(mode, terminal)])),
    Effect.provideService(References.MinimumLogLevel, minimumLevel(mode))
  )
