/**
 * Runs one command of the quest CLI: settings from the flags and the environment, the
 * domain program, then its output and exit code. Loaded by main.ts only when a command
 * runs, so that `quest --help` and usage mistakes answer without loading Effect, the
 * domain or the AWS SDK.
 *
 * Flags are laid over the environment as one ConfigProvider, so the domain reads every
 * setting the same way whichever edge it runs from (domain/settings.ts).
 */
import process from "node:process"
import { Cause, ConfigProvider, Effect, Exit, Option, Schema } from "effect"
import { loadSettings, type Settings, SettingsError, settingSpecs } from "../domain/settings.ts"
import type { Invocation } from "./args.ts"
import type { CommandName, SettingKey, Switches } from "./commandTable.ts"
import { EXIT } from "./exitCodes.ts"
import { withCliLogging } from "./logging.ts"
import { doneText } from "./summaries.ts"
import type { Terminal } from "./terminal.ts"

/** What running a command needs (the AWS SDK, msw, the domain): loaded only then, so help and usage answer fast. */
const loadRunner = () =>
  Effect.promise(async () => {
    const [commands, progress, ofetchHttp] = await Promise.all([
      import("./commands.ts"),
      import("./progress.ts"),
      import("../adapters/ofetchHttp.ts")
    ])
    return { ...commands, ...progress, ...ofetchHttp }
  })

/** --offline: the fake upstreams (msw and the fixtures), loaded only when asked for. */
const goOffline = (settings: Settings, rateGiven: boolean) =>
  Effect.promise(() => import("./offline.ts")).pipe(Effect.map(({ startOffline }) => startOffline(settings, rateGiven)))

/** A request the command cannot carry out as given (exit code 2). */
class UsageProblem extends Schema.TaggedError<UsageProblem>()("UsageProblem", { detail: Schema.String }) {
  override get message() {
    return this.detail
  }
}

/** A setting with an invalid value is a usage mistake too: the command never started its work. */
const isUsageError = (error: unknown) => error instanceof UsageProblem || error instanceof SettingsError

/** The environment with the flags laid over it, as the settings read it. */
const settingsEnv = (flags: Partial<Record<SettingKey, string>>) => {
  const env: Record<string, string> = {}
  for (const [name, value] of Object.entries(process.env)) if (value !== undefined && value !== "") env[name] = value
  for (const [key, value] of Object.entries(flags)) env[settingSpecs[key as SettingKey].env] = value
  return env
}

const program = (command: CommandName, switches: Switches, env: Record<string, string>, terminal: Terminal, human: boolean) =>
  Effect.gen(function*() {
    const loaded = yield* loadSettings
    const { commandProgram, progressHttpLayer, ofetchHttpLayer } = yield* loadRunner()
    const offline = switches.offline
      ? yield* goOffline(loaded, env[settingSpecs.requestsPerSecond.env] !== undefined)
      : undefined
    if (offline?.ok === false) return yield* new UsageProblem({ detail: offline.problem })
    if (offline !== undefined) yield* Effect.addFinalizer(() => Effect.sync(offline.stop))
    const settings = offline?.settings ?? loaded
    for (const note of offline?.notes ?? []) yield* human ? Effect.sync(() => terminal.err(`${note}\n`)) : Effect.logInfo(note)

    const http = human ? progressHttpLayer(terminal, ofetchHttpLayer) : ofetchHttpLayer
    return yield* commandProgram(command, { settings, switches, http, now: new Date() }).pipe(
      Effect.ensuring(Effect.sync(() => terminal.status(undefined)))
    )
  }).pipe(Effect.scoped)

const errorReport = (cause: Cause.Cause<unknown>, verbose: boolean) => {
  const error = Option.getOrUndefined(Cause.findErrorOption(cause))
  const message = error instanceof Error
    ? error.message
    : `quest stopped on an unexpected error: ${String(Cause.squash(cause))}. ` +
      (verbose ? "The trace is below; please report it." : "Run again with --verbose to see where.")
  return { error, message, tag: error instanceof Error && "_tag" in error ? String(error._tag) : "Defect" }
}

const flushed = () => new Promise<void>((resolve) => process.stdout.write("", () => resolve()))

/** Runs a command the command line asked for, returning the exit code. */
export const runCommand = async (
  invocation: Extract<Invocation, { readonly kind: "command" }>,
  terminal: Terminal
): Promise<number> => {
  const { command, switches } = invocation
  const human = terminal.interactive && !switches.json
  const started = performance.now()

  // Ctrl-C interrupts the program: transfers stop, finalizers run, and the store's atomic
  // puts leave no partial object. A second Ctrl-C quits at once.
  const stop = new AbortController()
  const onSignal = () => {
    if (stop.signal.aborted) process.exit(EXIT.interrupted)
    terminal.status(undefined)
    terminal.err("\nStopping… (Ctrl-C again to quit at once)\n")
    stop.abort()
  }
  process.on("SIGINT", onSignal)
  process.on("SIGTERM", onSignal)

  const env = settingsEnv(invocation.settings)
  const exit = await Effect.runPromiseExit(
    program(command, switches, env, terminal, human).pipe(
      Effect.provideService(ConfigProvider.ConfigProvider, ConfigProvider.fromEnv({ env })),
      withCliLogging({ human, verbose: switches.verbose }, terminal)
    ),
    { signal: stop.signal }
  )
  process.off("SIGINT", onSignal)
  process.off("SIGTERM", onSignal)

  if (Exit.isSuccess(exit)) {
    if (switches.json) terminal.out(`${JSON.stringify(exit.value.json, null, 2)}\n`)
    else terminal.out(exit.value.text + doneText(performance.now() - started))
    await flushed()
    return EXIT.done
  }
  if (Cause.hasInterruptsOnly(exit.cause)) {
    terminal.err("Stopped. Work in progress was discarded (nothing partial is left in the store); run again to finish.\n")
    return EXIT.interrupted
  }
  const report = errorReport(exit.cause, switches.verbose)
  if (human || isUsageError(report.error)) terminal.err(`quest ${command}: ${report.message}\n`)
  else terminal.err(`${JSON.stringify({ level: "ERROR", command, error: report.tag, message: report.message })}\n`)
  if (switches.verbose) terminal.err(`${Cause.pretty(exit.cause)}\n`)
  return isUsageError(report.error) ? EXIT.usage : EXIT.failed
}
