/** The domain's Effect logs, as records, into the command's log (cliLog.ts). */
import * as Effect from "effect/Effect"
import * as Logger from "effect/Logger"
import * as References from "effect/References"
import { type LogRecord, recordLogger } from "../domain/logging/logRecord.ts"
import type { CliLog } from "./cliLog.ts"

const repeatsFailure = (log: CliLog, record: LogRecord) =>
  log.mode.human && !log.mode.verbose && record.level === "ERROR" && record.event === "bls-sync"

/**
 * Routes the program's Effect logs through `log`, every record reaching `observe` (the
 * progress display) first, debug included; `log` still writes only its mode's levels.
 */
export const withCliLogging = (log: CliLog, observe: (record: LogRecord) => void) =>
<A, E, R>(program: Effect.Effect<A, E, R>) =>
  program.pipe(
    Effect.provide(Logger.layer([recordLogger((record) => {
      observe(record)
      // A failed sync's summary says what the command's own last line says: a person reads it once.
      if (repeatsFailure(log, record)) return
      log.write(record)
    })])),
    Effect.provideService(References.MinimumLogLevel, "Debug")
  )
