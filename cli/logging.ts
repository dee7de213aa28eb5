/** The domain's Effect logs, as records, into the command's log (cliLog.ts). */
import { Effect, Logger, References } from "effect"
import type { LogLevel } from "effect/LogLevel"
import { type LogRecordLevel, recordLogger } from "../domain/logging/logRecord.ts"
import { type CliLog, minimumLevel } from "./cliLog.ts"

const effectLevel: Record<LogRecordLevel, LogLevel> = {
  TRACE: "Trace",
  DEBUG: "Debug",
  INFO: "Info",
  WARN: "Warn",
  ERROR: "Error",
  FATAL: "Fatal"
}

/** Routes the program's Effect logs through `log`. */
export const withCliLogging = (log: CliLog) => <A, E, R>(program: Effect.Effect<A, E, R>) =>
  program.pipe(
    Effect.provide(Logger.layer([recordLogger(log.write)])),
    Effect.provideService(References.MinimumLogLevel, effectLevel[minimumLevel(log.mode)])
  )
