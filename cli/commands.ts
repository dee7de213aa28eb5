/**
 * Each command as an Effect program over the domain, with the services it needs built
 * from the settings, ending in what it prints: a JSON value for --json, text otherwise.
 * A dry run reads the real store through a read-only view, so it cannot change it.
 */
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import { nativeSha256Layer } from "../adapters/nativeHasher.ts"
import { objectStoreLayerFor } from "../adapters/objectStoreFromUrl.ts"
import type { HttpClient } from "../domain/http/HttpClient.ts"
import { tablesPieces } from "../domain/reports/renderTables.ts"
import type { ReportDocument } from "../domain/reports/reportDocument.ts"
import { reportFolders, runReports } from "../domain/reports/runReports.ts"
import type { Settings } from "../domain/settings.ts"
import { ObjectStore } from "../domain/store/ObjectStore.ts"
import { BLS_DATA_KEY, POPULATION_KEY } from "../domain/storeKeys.ts"
import type { CommandName, Switches } from "./commandTable.ts"
import { readOnlyLayer } from "./dryRunStore.ts"
import { latestStoredReport } from "./latestReport.ts"
import { populationText, reportsStoredText, surveysText } from "./summaries.ts"

export interface CommandOutput {
  /** What --json prints. */
  readonly json: unknown
  /** What a person reads, piece by piece: a report of a million series is never one string. */
  readonly text: () => Iterable<string>
  /** Part of the work failed (one survey of several): printed after the output, and the exit code is 1. */
  readonly failure?: Error | undefined
}

export interface CommandContext {
  readonly settings: Settings
  readonly switches: Switches
  /** The HTTP transport (the CLI wraps it to show progress). */
  readonly http: Layer.Layer<HttpClient>
  /** The run's date: it names the dated reports folder. */
  readonly now: Date
  /** Rows of a long table to print (undefined: all). */
  readonly maxRows: number | undefined
  /** The command's one argument (`quest sql`'s query), if it takes one. */
  readonly argument: string | undefined
}

export type Program = (context: CommandContext) => Effect.Effect<CommandOutput, unknown>

export const storeLayer = ({ settings, switches }: CommandContext) => {
  const store = objectStoreLayerFor(settings.store, settings.concurrency)
  return switches.dryRun ? readOnlyLayer(store) : store
}

export const options = ({ switches }: CommandContext) => ({ dryRun: switches.dryRun, force: switches.force })

// The commands that reach BLS or DataUSA load their modules (the sync, linkedom, ofetch) only when run.
const upstream = Effect.promise(() => import("./upstreamCommands.ts"))

/** The report tables, then the line that says where they are. */
function* tablesText(doc: ReportDocument, context: CommandContext, trailer: string): Iterable<string> {
  yield "\n"
  yield* tablesPieces(doc, { maxRows: context.maxRows })
  yield `\n${trailer}`
}

const reportsText = (doc: ReportDocument | undefined, context: CommandContext): Iterable<string> =>
  doc === undefined
    ? ["Reports: not computed, the store holds no inputs yet (a real run fetches them first).\n"]
    : tablesText(doc, context, context.switches.dryRun
      ? "Reports: dry run, nothing stored.\n"
      : reportsStoredText(reportFolders(context.now), context.settings.store))

/** The reports; in a dry run, no document (rather than an error) while the store has no inputs yet. */
const reports = (context: CommandContext) =>
  runReports({ now: context.now, maxDropShare: context.settings.maxReportDropShare }).pipe(
    Effect.catchTag("ReportInputsMissing", (missing) => context.switches.dryRun ? Effect.succeed(undefined) : Effect.fail(missing)),
    Effect.provide(Layer.merge(storeLayer(context), nativeSha256Layer))
  )

/** The latest stored reports, if they were computed from the inputs the store holds now. */
const currentReport = (context: CommandContext) =>
  Effect.gen(function*() {
    const { doc } = yield* latestStoredReport
    const store = yield* ObjectStore
    const bls = yield* store.head(BLS_DATA_KEY)
    const population = yield* store.head(POPULATION_KEY)
    const current = bls?.metadata["sha256"] === doc.inputs.bls.sha256 && population?.metadata["sha256"] === doc.inputs.population.sha256
    return current ? doc : undefined
  }).pipe(Effect.orElseSucceed(() => undefined), Effect.provide(storeLayer(context)))

const programs: Record<CommandName, Program> = {
  sync: (context) => Effect.flatMap(upstream, ({ sync }) => sync(context)),
  population: (context) => Effect.flatMap(upstream, ({ population }) => population(context)),
  report: (context) => Effect.map(reports(context), (doc) => ({ json: doc ?? null, text: () => reportsText(doc, context) })),
  show: (context) =>
    latestStoredReport.pipe(
      Effect.map(({ doc, key }) => ({
        json: doc,
        text: () => tablesText(doc, context, `Reports read from ${key} in ${context.settings.store} (not recomputed).\n`)
      })),
      Effect.provide(objectStoreLayerFor(context.settings.store))
    ),
  sql: (context) => Effect.flatMap(Effect.promise(() => import("./sqlCommand.ts")), ({ sqlCommand }) => sqlCommand(context)),
  run: (context) =>
    Effect.gen(function*() {
      const { population, sync } = yield* Effect.flatMap(upstream, ({ ingested }) => ingested(context))
      const ingested = surveysText(sync, context.maxRows) + (population === undefined ? "" : populationText(population))
      const changed = sync.total.added + sync.total.updated + sync.total.deleted > 0 || population?.written === true
      const current = changed || context.switches.dryRun ? undefined : yield* currentReport(context)
      if (current !== undefined) {
        const nothing = "Nothing changed since the last run: the stored reports are current (`quest show` prints them).\n"
        return { json: current, text: () => [nothing, ingested] }
      }
      const doc = yield* reports(context)
      return { json: doc ?? null, text: () => [ingested, ...reportsText(doc, context)] }
    })
}

export const commandProgram = (name: CommandName, context: CommandContext): Effect.Effect<CommandOutput, unknown> => programs[name](context)
