/**
 * What the quest command offers: its commands, the switches each takes, and which of the
 * settings (domain/settings.ts, the one table of settings) each reads. The parser and the
 * help are both read from here.
 */
import { settingSpecs } from "../domain/settingSpecs.ts"

export type SettingKey = keyof typeof settingSpecs
export type CommandName = "run" | "sync" | "population" | "report" | "show" | "sql"

interface SwitchSpec {
  readonly flag: string
  readonly short?: string
  readonly description: string
}

export type SwitchKey = "json" | "dryRun" | "force" | "offline" | "verbose" | "all" | "reports"
export type Switches = Readonly<Record<SwitchKey, boolean>>

export const switchSpecs: Readonly<Record<SwitchKey, SwitchSpec>> = {
  json: {
    flag: "--json",
    description: "Print one JSON document on stdout (the reports, the run summary, or the rows of a query); logs go to stderr as JSON lines"
  },
  dryRun: { flag: "--dry-run", description: "Show what would change and change nothing in the store" },
  force: { flag: "--force", description: "Let a sync delete more of the mirror than QUEST_MAX_DELETE_SHARE allows" },
  offline: {
    flag: "--offline",
    description: "Serve the bundled fixtures in place of BLS and DataUSA (no network needed; a demo contact if none is set)"
  },
  verbose: { flag: "--verbose", short: "-v", description: "Debug logs, and a stack trace with any error" },
  all: { flag: "--all", description: "Print every row of long tables and every file of a sync (else the first 20, and a count)" },
  reports: { flag: "--reports", description: "Run the saved report queries (sql/*.sql) and print what `quest report` prints" }
}

export interface CommandSpec {
  readonly name: CommandName
  readonly summary: string
  readonly switches: ReadonlyArray<SwitchKey>
  readonly settings: ReadonlyArray<SettingKey>
  /** The one argument the command takes, needed unless the switch `unless` is given. */
  readonly argument?: { readonly name: string; readonly example: string; readonly unless: SwitchKey }
}

const upstreamPolicy: ReadonlyArray<SettingKey> = ["requestsPerSecond", "maxRetries", "retryBaseMs", "timeoutMs", "transferTimeoutMs"]
const syncSettings: ReadonlyArray<SettingKey> = ["surveys", "blsRootUrl", "blsBaseUrl", "concurrency", "maxDeleteShare"]

export const commandSpecs: ReadonlyArray<CommandSpec> = [
  {
    name: "run",
    summary: "The main job: sync BLS, fetch the population, then compute, store and print the reports",
    switches: ["json", "dryRun", "force", "offline", "verbose", "all"],
    settings: ["store", "contact", ...syncSettings, "populationUrl", ...upstreamPolicy, "maxReportDropShare"]
  },
  {
    name: "sync",
    summary: "Mirror the BLS directory into the store, transferring only what changed",
    switches: ["json", "dryRun", "force", "offline", "verbose", "all"],
    settings: ["store", "contact", ...syncSettings, ...upstreamPolicy]
  },
  {
    name: "population",
    summary: "Fetch US population by year from DataUSA, validate it, and store it",
    switches: ["json", "dryRun", "offline", "verbose"],
    settings: ["store", "contact", "populationUrl", ...upstreamPolicy]
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
    argument: { name: "query", example: `quest sql "select survey, count(*) from bls_data group by 1"`, unless: "reports" }
  }
]

export const commandSpec = (name: string): CommandSpec | undefined => commandSpecs.find((spec) => spec.name === name)
