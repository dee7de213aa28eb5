/**
 * The quest command: arguments → settings → one of the domain programs → output and an
 * exit code (0 done, 1 the work failed, 2 bad usage, 130 stopped). Runs on Node
 * (bin/quest.mjs) and on Deno (deno/quest.ts) alike.
 *
 * Flags are laid over the environment as one ConfigProvider, so the domain reads every
 * setting the same way whichever edge it runs from (domain/settings.ts).
 */
import process from "node:process"
import { Cause, ConfigProvider, Effect, Exit, Option, Schema } from "effect"
import { loadSettings, type Settings, SettingsError, settingSpecs } from "../domain/settings.ts"
import { parseArgs } from "./args.ts"
import type { CommandName, SettingKey, Switches } from "./commandTable.ts"
import { helpText } from "./help.ts"
import { withCliLogging } from "./logging.ts"
import { doneText } from "./summaries.ts"
import { processTerminal, type Terminal } from "./terminal.ts"

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

export const EXIT = { done: 0, failed: 1, usage: 2, interrupted: 130 } as const

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

/** Runs the command line `argv` (without the runtime and script), returning the exit code. */
export const runQuest = async (argv: ReadonlyArray<string>, terminal: Terminal = processTerminal()): Promise<number> => {
  const invocation = parseArgs(argv)
  if (invocation.kind === "help") {
    terminal.out(helpText(invocation.command))
    return EXIT.done
  }
  if (invocation.kind === "usage") {
    const more = invocation.command === undefined ? "quest --help" : `quest ${invocation.command} --help`
    terminal.err(`quest: ${invocation.message}\nSee \`${more}\` for the commands, flags and settings.\n`)
    if (argv.length === 0) terminal.err(`\n${helpText(undefined)}`)
    return EXIT.usage
  }

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
