/**
 * Runs one command: the flags laid over the environment as one ConfigProvider (so the
 * domain reads every setting as from any edge, domain/settings.ts), the domain program,
 * then its output and exit code. main.ts loads this module only when a command runs.
 */
import { once } from "node:events"
import process from "node:process"
import * as Cause from "effect/Cause"
import * as ConfigProvider from "effect/ConfigProvider"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Logger from "effect/Logger"
import * as Option from "effect/Option"
import * as References from "effect/References"
import * as Schema from "effect/Schema"
import { ofetchHttpLayer } from "../adapters/ofetchHttp.ts"
import { tagOf } from "../domain/causeMessage.ts"
import { recordLogger } from "../domain/logging/logRecord.ts"
import { loadSettings, SettingsError, settingSpecs } from "../domain/settings.ts"
import { commandProgram } from "./commands.ts"
import { commandSpec, type Invocation, type SettingKey } from "./commandTable.ts"
import { makeSyncProgress, progressHttpLayer } from "./progress.ts"
import { checkSettings, settingsErrorText } from "./settingsCheck.ts"
import { formatDuration } from "./summaries.ts"
import { type CliLog, EXIT, type Terminal, usage } from "./terminal.ts"
import { unreachableText } from "./unreachable.ts"

/** Rows of a long table shown without --all. */
const TERMINAL_TABLE_ROWS = 20

/** A request the command cannot carry out as given (exit code 2). */
class UsageProblem extends Schema.TaggedError<UsageProblem>()("UsageProblem", { message: Schema.String }) {}

/** Writes the text in pieces of about 64 KB, waiting while stdout's buffer is full: a large report flows out as it is made. */
const writeOut = async (terminal: Terminal, pieces: Iterable<string>) => {
  let text = ""
  for (const piece of pieces) {
    text += piece
    if (text.length < 64 * 1024) continue
    terminal.out(text)
    text = ""
    if (process.stdout.writableNeedDrain) await once(process.stdout, "drain")
  }
  terminal.out(text)
  await new Promise((resolve) => process.stdout.write("", resolve))
}

/** Runs a command the command line asked for, returning the exit code; `log` says everything on stderr. */
export const runCommand = async ({ argument, command, settings: flagged, switches }: Invocation, terminal: Terminal, log: CliLog): Promise<number> => {
  const started = performance.now()
  // Ctrl-C interrupts the program: transfers stop, finalizers run, and the store's atomic
  // puts leave no partial object. A second Ctrl-C quits at once.
  const stop = new AbortController()
  const onSignal = () => {
    if (stop.signal.aborted) process.exit(EXIT.interrupted)
    terminal.status(undefined)
    log.tell("WARN", "stopping", "Stopping: work in flight is discarded (Ctrl-C again to quit at once).")
    stop.abort()
  }
  process.on("SIGINT", onSignal).on("SIGTERM", onSignal)

  // The environment with the flags laid over it, as the settings read it.
  const env = Object.fromEntries([
    ...Object.entries(process.env).filter((entry): entry is [string, string] => entry[1] !== undefined && entry[1] !== ""),
    ...Object.entries(flagged).map(([key, value]) => [settingSpecs[key as SettingKey].env, value])
  ])
  /** The work failed (exit 1): an unreachable upstream in one short line (the full message with --verbose, or as `detail`). */
  const failed = (message: string, errorTag: string | undefined, cause: string | undefined) => {
    const short = switches.offline
      ? undefined
      : unreachableText(command, message, { flagged, isSet: (key) => env[settingSpecs[key].env] !== undefined })
    if (!log.mode.human) {
      log.say("ERROR", "failed", short ?? message, { command, errorTag, exitCode: EXIT.failed, detail: short && message, cause })
      return EXIT.failed
    }
    terminal.err(`quest ${command}: ${short ?? message}\n`)
    if (short !== undefined && switches.verbose) terminal.err(`${message}\n`)
    if (cause !== undefined) terminal.err(`${cause}\n`)
    return EXIT.failed
  }
  const progress = makeSyncProgress(terminal, log)
  const program = Effect.gen(function*() {
    const loaded = yield* Effect.mapError(loadSettings, (error) => new UsageProblem({ message: settingsErrorText(error, flagged) }))
    const verdict = checkSettings(loaded, commandSpec(command)!, flagged, { offline: switches.offline })
    if (verdict.problem !== undefined) return yield* new UsageProblem({ message: verdict.problem })
    for (const warning of verdict.warnings) log.say("WARN", "settings.warning", warning)

    // msw, which serves the fixtures, loads only for --offline.
    const offline = switches.offline
      ? (yield* Effect.promise(() => import("./offline.ts"))).startOffline(loaded, env[settingSpecs.requestsPerSecond.env] !== undefined)
      : undefined
    if (offline?.ok === false) return yield* new UsageProblem({ message: offline.problem })
    if (offline !== undefined) yield* Effect.addFinalizer(() => Effect.sync(offline.stop))
    // Notes are news to a person on a terminal; in a log they are context, at info.
    for (const note of offline?.notes ?? []) log.tell("INFO", "offline", note)

    // Long tables show their first rows, as duckdb does: printing a million rows nobody reads
    // took longer than computing them, and the stored CSVs and --json have every row.
    const maxRows = switches.all ? undefined : TERMINAL_TABLE_ROWS
    const http = progressHttpLayer(progress, ofetchHttpLayer)
    return yield* commandProgram(command, { settings: offline?.settings ?? loaded, switches, http, now: new Date(), maxRows, argument }).pipe(Effect.ensuring(Effect.sync(() => terminal.status(undefined))))
  }).pipe(Effect.scoped)
  const exit = await Effect.runPromiseExit(
    program.pipe(
      Effect.provideService(ConfigProvider.ConfigProvider, ConfigProvider.fromEnv({ env })),
      // Every record reaches the progress first, debug included; `log` writes only its mode's levels.
      Effect.provide(Logger.layer([recordLogger((record) => {
        progress.observe(record)
        // A failed sync's summary says what the command's own last line says: a person reads it once.
        if (log.mode.human && !log.mode.verbose && record.level === "ERROR" && record.event === "bls-sync") return
        log.write(record)
      })])),
      Effect.provideService(References.MinimumLogLevel, "Debug")
    ),
    { signal: stop.signal }
  )
  progress.close()
  process.off("SIGINT", onSignal).off("SIGTERM", onSignal)

  if (Exit.isSuccess(exit)) {
    const { failure, json, text } = exit.value
    if (switches.json) await writeOut(terminal, [`${JSON.stringify(json, null, 2)}\n`])
    else await writeOut(terminal, failure === undefined ? [...text(), `Done in ${formatDuration(performance.now() - started)}.\n`] : text())
    return failure === undefined ? EXIT.done : failed(failure.message, tagOf(failure, "Error"), undefined)
  }
  if (Cause.hasInterruptsOnly(exit.cause)) {
    const stopped = "Stopped. Work in progress was discarded (nothing partial is left in the store); run again to finish."
    log.tell("WARN", "stopped", stopped, { command, exitCode: EXIT.interrupted })
    return EXIT.interrupted
  }
  const error = Option.getOrUndefined(Cause.findErrorOption(exit.cause))
  const message = error instanceof Error
    ? error.message
    : `quest stopped on an unexpected error: ${String(Cause.squash(exit.cause))}. ` +
      (switches.verbose ? "The trace is below; please report it." : "Run again with --verbose to see where.")
  // A setting with an invalid value is a usage mistake too: the command never started its work.
  if (error instanceof UsageProblem || error instanceof SettingsError) return usage(log, terminal, message, command)
  return failed(message, tagOf(error), switches.verbose ? Cause.pretty(exit.cause) : undefined)
}
