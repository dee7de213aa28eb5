/**
 * The quest command on Node (bin/quest.mjs) and Deno (deno/quest.ts): the command line is
 * read by Effect's CLI module (commandTable.ts); help, --version and usage mistakes are
 * answered here, and a command runs in runCommand.ts.
 */
import process from "node:process"
import { distance } from "fastest-levenshtein"
import * as CliConfig from "effect/cli/CliConfig"
import type * as CliError from "effect/cli/CliError"
import * as CliOutput from "effect/cli/CliOutput"
import * as Command from "effect/cli/Command"
import * as Flag from "effect/cli/Flag"
import * as GlobalFlag from "effect/cli/GlobalFlag"
import type * as HelpDoc from "effect/cli/HelpDoc"
import * as Cause from "effect/Cause"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import { commandSpec, commandSpecs, flagsOf, type Invocation, knownFlags, questCommand } from "./commandTable.ts"
import { EXIT, makeCliLog, processTerminal, type Terminal, usage } from "./terminal.ts"

/** The package's version (a test keeps it equal to package.json's). */
export const QUEST_VERSION = "0.1.0"

const runtime = () => {
  const deno = (process.versions as Record<string, string | undefined>)["deno"]
  return deno === undefined ? `node ${process.version}` : `deno ${deno}`
}

/** At most a third of the word may differ (at least one edit), or it is a beginning: `syn` → `sync`, `--cont` →
 * `--contact`, but not `sin` → `run`. */
const closeEnough = (typed: string, known: string) =>
  distance(typed, known) <= Math.max(1, Math.floor(known.length / 3)) || (typed.length >= 3 && known.startsWith(typed))

/** ` Did you mean \`sync\`?`: the closest word of the first list that has one close enough, or nothing. */
const didYouMean = (typed: string, ...lists: ReadonlyArray<ReadonlyArray<string>>): string => {
  for (const known of lists) {
    const [word] = known.filter((word) => closeEnough(typed, word)).sort((a, b) => distance(typed, a) - distance(typed, b))
    if (word !== undefined) return ` Did you mean \`${word}\`?`
  }
  return ""
}

const PUT_COMMAND_FIRST = "Put the command first, e.g. `quest run --offline`."
const noCommand = (name: string) =>
  `There is no command "${name}".${didYouMean(name, commandSpecs.map((spec) => spec.name))}`

/** A parse error in the words of this command line. */
const mistakeText = (error: CliError.NonShowHelpErrors, command: string | undefined): string => {
  const spec = commandSpec(command)
  switch (error._tag) {
    case "UnrecognizedOption": {
      const env = knownFlags.get(error.option)
      if (env !== undefined) return `\`quest ${command}\` does not use ${error.option} (${env}).`
      if (knownFlags.has(error.option)) return `\`quest ${command}\` does not take ${error.option}.`
      // The command's own flags first: `quest report --stor` means --store, whatever else is close.
      const own = spec === undefined ? [] : Object.values(flagsOf(spec)).flat()
      return `Unknown flag ${error.option}.${didYouMean(error.option, own, [...knownFlags.keys()])}`
    }
    case "InvalidValue":
      return error.value === "" ? `--${error.option} needs a value.` : error.message
    case "UnexpectedArgument":
      if (spec === undefined) return PUT_COMMAND_FIRST
      return spec.argument === undefined
        ? `\`quest ${command}\` takes no argument ${JSON.stringify(error.arguments[0])}; settings are flags.`
        : `\`quest ${command}\` takes one query, in quotes.`
    default:
      return error.message
  }
}

/** The mistakes Effect's parser lets through: a flag before the command, help for a command that does not exist
 * (it would answer with the top-level help), a value given to a switch (it would read `--offline=no` as off). */
const mistakeBeforeParsing = ([first, ...rest]: ReadonlyArray<string>): string | undefined => {
  if (first === undefined) return "Which command? `quest run --offline` tries it with no network."
  if (first.startsWith("-") && !["-h", "-V", "--help", "--version"].includes(first)) return PUT_COMMAND_FIRST
  const named = first === "help" ? rest[0] : first
  if (named !== undefined && !named.startsWith("-") && commandSpec(named) === undefined) return noCommand(named)
  const spec = commandSpec(first)
  const switches = spec === undefined ? [] : flagsOf(spec).switches
  const [flag] = rest.map((arg) => arg.split("=")).find(([name, value]) => value !== undefined && switches.includes(name!)) ?? []
  return flag && `${flag} is a switch and takes no value.`
}

/** Answers help, --version and usage mistakes with their exit code, or says which command to run. */
export const readCommandLine = async (argv: ReadonlyArray<string>, terminal: Terminal = processTerminal()): Promise<Invocation | number> => {
  // Off a terminal (or with --json) stderr carries log records only: a usage mistake is one too.
  const log = makeCliLog({ human: terminal.interactive && !argv.includes("--json"), verbose: false }, terminal)
  const mistake = mistakeBeforeParsing(argv)
  if (mistake !== undefined) return usage(log, terminal, mistake, commandSpec(argv[0])?.name)
  let invocation: Invocation | undefined
  const version = GlobalFlag.Action({
    flag: Flag.Boolean("version").pipe(Flag.withAlias("V"), Flag.withDefault(false), Flag.withDescription("Show the version and the runtime")),
    run: () => Effect.sync(() => terminal.out(`quest ${QUEST_VERSION} (${runtime()}, ${process.platform}-${process.arch})\n`))
  })
  // Help is shown when asked for; a mistake is one sentence, said below.
  const formatter = CliOutput.defaultFormatter({ colors: false })
  // Effect's formatter puts no blank line between a lone SUBCOMMANDS table and EXAMPLES.
  const helpText = (doc: HelpDoc.HelpDoc) =>
    formatter.formatHelpDoc(doc).replace(/(?<!\n)\nEXAMPLES\n/, "\n\nEXAMPLES\n")
  const presenter = CliOutput.layerPresenter({
    present: (event) =>
      Effect.sync(() => event._tag === "Help" && event.reason === "Requested" && terminal.out(`${helpText(event.helpDoc)}\n`))
  })
  const parse = Command.runWith(questCommand((parsed) => (invocation = parsed)), { version: QUEST_VERSION, renderErrors: false })
  const exit = await Effect.runPromiseExit(
    // The parser asks for a terminal, files and processes only for its prompts and wizard, which quest does not offer.
    parse(argv[0] === "help" ? [...argv.slice(1), "--help"] : argv).pipe(
      Effect.provide(Layer.merge(presenter, CliConfig.layer({ builtIns: [GlobalFlag.Help, version] })))
    ) as Effect.Effect<void, CliError.CliError>
  )
  if (Exit.isFailure(exit)) {
    const error = Option.getOrUndefined(Cause.findErrorOption(exit.cause))
    if (error?._tag !== "ShowHelp" || error.errors[0] === undefined) throw Cause.squash(exit.cause)
    const command = error.commandPath[1]
    return usage(log, terminal, mistakeText(error.errors[0], command), command)
  }
  if (invocation === undefined) return EXIT.done
  const example = commandSpec(invocation.command)?.argument
  if (example !== undefined && (invocation.argument ?? "").trim() === "" && !invocation.switches.reports) {
    return usage(log, terminal, `Give a query, e.g. ${example}, or --reports.`, invocation.command)
  }
  return invocation
}

/** Runs the command line `argv` (without the runtime and script), returning the exit code. */
export const runQuest = async (argv: ReadonlyArray<string>, terminal: Terminal = processTerminal()): Promise<number> => {
  const invocation = await readCommandLine(argv, terminal)
  if (typeof invocation === "number") return invocation
  // The domain and its adapters load only now.
  const { runCommand } = await import("./runCommand.ts")
  const { json, verbose } = invocation.switches
  return runCommand(invocation, terminal, makeCliLog({ human: terminal.interactive && !json, verbose }, terminal))
}
