/**
 * What the quest command offers, on Effect's CLI module: its commands, the switches each
 * takes, and the settings (domain/settingSpecs.ts) each reads as flags; the help is written
 * from here. A setting not given as a flag falls back to its environment variable
 * (runCommand.ts lays the flags over the environment).
 */
import * as Argument from "effect/cli/Argument"
import * as Command from "effect/cli/Command"
import * as Flag from "effect/cli/Flag"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import { settingSpecs } from "../domain/settingSpecs.ts"

export type SettingKey = keyof typeof settingSpecs
export type CommandName = "run" | "sync" | "population" | "report" | "show" | "sql"

/** The switches, by key: their flag and what they do. */
const switchSpecs = {
  json: ["--json", "Print one JSON document on stdout (the reports, the run summary, or the rows of a query); logs go to stderr as JSON lines"],
  dryRun: ["--dry-run", "Show what would change and change nothing in the store"],
  force: ["--force", "Let a sync delete more of the mirror than QUEST_MAX_DELETE_SHARE allows"],
  offline: ["--offline", "Serve the bundled fixtures in place of BLS and DataUSA (no network needed; a demo contact if none is set)"],
  verbose: ["--verbose", "Debug logs, and a stack trace with any error"],
  all: ["--all", "Print every row of long tables and every file of a sync (else the first 20, and a count)"],
  reports: ["--reports", "Run the saved report queries (sql/*.sql) and print what `quest report` prints"]
} as const
export type SwitchKey = keyof typeof switchSpecs
export type Switches = Readonly<Record<SwitchKey, boolean>>

export interface Invocation {
  readonly command: CommandName
  readonly switches: Switches
  /** Settings given as flags, by key; the environment supplies the rest. */
  readonly settings: Partial<Record<SettingKey, string>>
  readonly argument: string | undefined
}

export interface CommandSpec {
  readonly name: CommandName
  readonly summary: string
  readonly switches: ReadonlyArray<SwitchKey>
  readonly settings: ReadonlyArray<SettingKey>
  /** An example of the one argument the command takes (sql's query), needed unless --reports is given. */
  readonly argument?: string
}

const upstream = ["requestsPerSecond", "maxRetries", "retryBaseMs", "timeoutMs", "transferTimeoutMs"] as const
const syncing = ["store", "contact", "surveys", "blsRootUrl", "blsBaseUrl", "concurrency", "maxDeleteShare"] as const
const writing = ["json", "dryRun", "force", "offline", "verbose", "all"] as const

export const commandSpecs: ReadonlyArray<CommandSpec> = [
  {
    name: "run",
    summary: "The main job: sync BLS, fetch the population, then compute, store and print the reports",
    switches: writing,
    settings: [...syncing, "populationUrl", ...upstream, "maxReportDropShare"]
  },
  {
    name: "sync",
    summary: "Mirror the BLS directory into the store, transferring only what changed",
    switches: writing,
    settings: [...syncing, ...upstream]
  },
  {
    name: "population",
    summary: "Fetch US population by year from DataUSA, validate it, and store it",
    switches: ["json", "dryRun", "offline", "verbose"],
    settings: ["store", "contact", "populationUrl", ...upstream]
  },
  {
    name: "report",
    summary: "Compute the three reports from the store, store them, and print them",
    switches: ["json", "dryRun", "verbose", "all"],
    settings: ["store", "maxReportDropShare"]
  },
  {
    name: "show",
    summary: "Print the latest stored reports (reports/latest/report.json) without recomputing or writing anything",
    switches: ["json", "verbose", "all"],
    settings: ["store"]
  },
  {
    name: "sql",
    summary: "Query the local store in SQL with DuckDB, through the tables and views of the stack's Glue catalog (sql/README.md)",
    switches: ["json", "reports", "verbose", "all"],
    settings: ["store"],
    argument: `quest sql "select survey, count(*) from bls_data group by 1"`
  }
]

export const commandSpec = (name: string | undefined) => commandSpecs.find((spec) => spec.name === name)

/** Every flag some command takes, with its setting's variable (none for a switch): a flag of another command is
 * refused by name, a flag nobody takes is a mistyping. */
export const knownFlags = new Map<string, string | undefined>([
  ...Object.values(settingSpecs).map((spec) => [spec.flag, spec.env] as const),
  ...Object.values(switchSpecs).map(([flag]) => [flag, undefined] as const)
])

/** The flags a command takes: its switches, then its settings. */
export const flagsOf = (spec: CommandSpec): Readonly<Record<"switches" | "settings", ReadonlyArray<string>>> => ({
  switches: spec.switches.map((key) => switchSpecs[key][0]),
  settings: spec.settings.map((key) => settingSpecs[key].flag)
})

const switchFlag = (key: SwitchKey) => {
  const flag = Flag.Boolean(switchSpecs[key][0].slice(2)).pipe(Flag.withDefault(false), Flag.withDescription(switchSpecs[key][1]))
  return key === "verbose" ? Flag.withAlias(flag, "v") : flag
}

/** A setting as a flag; its help names the environment variable it overrides and the default. */
const settingFlag = (key: SettingKey) => {
  const spec: (typeof settingSpecs)[SettingKey] & { readonly unit?: string } = settingSpecs[key]
  const fallback = spec.default === undefined ? "no default" : `default ${spec.default}${spec.unit === undefined ? "" : ` ${spec.unit}`}`
  return Flag.String(spec.flag.slice(2)).pipe(Flag.optional, Flag.withDescription(`${spec.env}, ${fallback}: ${spec.description}`))
}

type Parsed = { argument?: Option.Option<string>; settings: Record<string, Option.Option<string>>; switches: Partial<Switches> }

const noSwitches = Object.fromEntries(Object.keys(switchSpecs).map((key) => [key, false])) as Record<SwitchKey, boolean>

/** The command tree; running it hands the parsed command line to `invoke`. */
export const questCommand = (invoke: (invocation: Invocation) => void) =>
  Command.make("quest").pipe(
    Command.withDescription(
      "Mirror BLS productivity data and DataUSA population into a store, and report on them " +
        "(`quest <command> --help` for its flags and settings). A flag wins over its environment variable. " +
        "Exit codes: 0 done, 1 the work failed, 2 bad usage, 130 stopped by Ctrl-C."
    ),
    Command.withExamples([{ command: "quest run --offline", description: "Try it with no network" }]),
    Command.withSubcommands(commandSpecs.map((spec) =>
      Command.make(spec.name, {
        switches: Object.fromEntries(spec.switches.map((key) => [key, switchFlag(key)])),
        settings: Object.fromEntries(spec.settings.map((key) => [key, settingFlag(key)])),
        ...(spec.argument === undefined ? {} : {
          argument: Argument.String("query").pipe(
            Argument.optional,
            Argument.withDescription(`The query, in quotes, e.g. ${spec.argument}; or --reports`)
          )
        })
      }, ({ argument, settings, switches }: Parsed) =>
        Effect.sync(() =>
          invoke({
            command: spec.name,
            switches: { ...noSwitches, ...switches },
            settings: Object.fromEntries(Object.entries(settings).flatMap(([key, value]) => Option.isSome(value) ? [[key, value.value]] : [])),
            argument: argument && Option.getOrUndefined(argument)
          })
        )).pipe(Command.withDescription(spec.summary))
    ))
  )
