/**
 * Each command as an Effect program over the domain, with the services it needs built
 * from the settings, ending in what it prints: a JSON value for --json, text otherwise.
 * A dry run reads the real store through a read-only view, so it cannot change it.
 *
 * What goes upstream (HTTP, the listing parser, the download checks) is in
 * upstreamCommands.ts, loaded only by a command that goes there: `quest report` and
 * `quest show` start without linkedom and the sync (`npm run bench -- --only start`).
 */
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import { objectStoreLayerFor } from "../adapters/objectStoreFromUrl.ts"
import { nativeSha256Layer } from "../adapters/nativeHasher.ts"
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
import { reportsStoredText } from "./summaries.ts"

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

const storeLayer = (context: CommandContext) => {
  const store = objectStoreLayerFor(context.settings.store, context.settings.concurrency)
  return context.switches.dryRun ? readOnlyLayer(store) : store
}

/** The commands that go upstream, loaded when one runs. */
const upstream = Effect.promise(() => import("./upstreamCommands.ts"))

function* reportsText(doc: ReportDocument | undefined, context: CommandContext): Iterable<string> {
  if (doc === undefined) {
    return yield "Reports: not computed, the store holds no inputs yet (a real run fetches them first).\n"
  }
  const stored = context.switches.dryRun
    ? "Reports: dry run, nothing stored.\n"
    : reportsStoredText(reportFolders(context.now), context.settings.store)
  yield "\n"
  yield* tablesPieces(doc, { maxRows: context.maxRows })
  yield `\n${stored}`
}

/** The reports; in a dry run, no document (rather than an error) while the store has no inputs yet. */
const reports = (context: CommandContext) =>
  runReports({ now: context.now, maxDropShare: context.settings.maxReportDropShare }).pipe(
    Effect.catchTag("ReportInputsMissing", (missing) =>
      context.switches.dryRun ? Effect.succeed(undefined) : Effect.fail(missing)),
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

const programs = {
  sync: (context: CommandContext) => Effect.flatMap(upstream, (commands) => commands.syncCommand(context, storeLayer(context))),
  population: (context: CommandContext) =>
    Effect.flatMap(upstream, (commands) => commands.populationCommand(context, storeLayer(context))),
  report: (context: CommandContext) =>
    Effect.map(reports(context), (doc): CommandOutput => ({ json: doc ?? null, text: () => reportsText(doc, context) })),
  show: (context: CommandContext) =>
    latestStoredReport.pipe(
      Effect.map(({ doc, key }): CommandOutput => ({
        json: doc,
        text: function*() {
          yield "\n"
          yield* tablesPieces(doc, { maxRows: context.maxRows })
          yield `\nReports read from ${key} in ${context.settings.store} (not recomputed).\n`
        }
      })),
      Effect.provide(objectStoreLayerFor(context.settings.store))
    ),
  sql: (context: CommandContext) =>
    Effect.flatMap(Effect.promise(() => import("./sqlCommand.ts")), ({ sqlCommand }) => sqlCommand(context)),
  run: (context: CommandContext) =>
    Effect.gen(function*() {
      const { ingestCommand } = yield* upstream
      const ingested = yield* ingestCommand(context, storeLayer(context))
      const current = ingested.changed || context.switches.dryRun ? undefined : yield* currentReport(context)
      if (current !== undefined) {
        return {
          json: current,
          text: function*() {
            yield `Nothing changed since the last run: the stored reports are current (\`quest show\` prints them).\n`
            yield ingested.text
          }
        } satisfies CommandOutput
      }
      const doc = yield* reports(context)
      return {
        json: doc ?? null,
        text: function*() {
          yield ingested.text
          yield* reportsText(doc, context)
        }
      } satisfies CommandOutput
    })
} satisfies Record<CommandName, (context: CommandContext) => Effect.Effect<CommandOutput, unknown>>

export const commandProgram = (name: CommandName, context: CommandContext): Effect.Effect<CommandOutput, unknown> =>
  programs[name](context)
