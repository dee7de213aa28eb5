/** The domain's Effect logs, as records, into the command's log (cliLog.ts). */
import { Effect, Logger, References } from "effect"
import type { LogLevel } from "effect/LogLevel"
import { type LogRecord, type LogRecordLevel, recordLogger } from "../domain/logging/logRecord.ts"
import { type CliLog, minimumLevel } from "./cliLog.ts"

const effectLevel: Record<LogRecordLevel, LogLevel> = {
  TRACE: "Trace",
  DEBUG: "Debug",
  INFO: "Info",
  WARN: "Warn",
  ERROR: "Error",
  FATAL: "Fatal"
}

/**
 * Routes the program's Effect logs through `log`. With an `observe`r (the progress display),
 * every record reaches it first, debug included; `log` still writes only its mode's levels.
 */
export const withCliLogging = (log: CliLog, observe?: (record: LogRecord) => void) =>
<A, E, R>(program: Effect.Effect<A, E, R>) =>
  program.pipe(
    Effect.provide(Logger.layer([recordLogger((record) => {
      observe?.(record)
      log.write(record)
    })])),
    Effect.provideService(References.MinimumLogLevel, observe === undefined ? effectLevel[minimumLevel(log.mode)] : "Debug")
  )
