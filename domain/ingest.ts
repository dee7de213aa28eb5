/**
 * The daily ingest: mirror the BLS surveys, then fetch the population once. Both steps
 * run even if one fails, and the run fails if either did, leaving that step's previous
 * data in place.
 */
import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Schema from "effect/Schema"
import { causeMessage } from "./causeMessage.ts"
import { defaultSyncOptions } from "./bls/syncMirror.ts"
import { type SurveysRun, syncSurveys } from "./bls/syncSurveys.ts"
import { fetchPopulation, type PopulationRunSummary } from "./population/fetchPopulation.ts"
import { ObjectStore } from "./store/ObjectStore.ts"
import { BLS_DATA_KEY, POPULATION_KEY, REPORTED_SURVEY } from "./storeKeys.ts"
import { type Settings, surveyMirrorsOf } from "./settings.ts"

export interface IngestOptions {
  readonly dryRun?: boolean
  readonly force?: boolean
  /** Epoch ms after which the run starts no new work (a Lambda's limit, less a reserve); what is left fails the run. */
  readonly stopAt?: number
  /** Fetch the population after the sync (default); a fanned-out survey run other than pr's does not. */
  readonly population?: boolean
}

export type IngestSummary = { readonly event: "ingest"; readonly sync: SurveysRun; readonly population: PopulationRunSummary | undefined }

export class IngestFailed extends Schema.TaggedError<IngestFailed>()("IngestFailed", {
  failures: Schema.Array(Schema.Struct({ step: Schema.String, message: Schema.String }))
}) {
  override get message() {
    return this.failures.map((failure) => `${failure.step}: ${failure.message}`).join(" ")
  }
}

/** A step the run did not start because its time ran out. */
export class RunOutOfTime extends Schema.TaggedError<RunOutOfTime>()("RunOutOfTime", { step: Schema.String }) {
  override get message() {
    return `not started: the run's time ran out; the next run does it.`
  }
}

/** The sync options of every survey's mirror (each adds its own directory and prefix). */
export const syncOptionsOf = (settings: Settings, options: IngestOptions = {}) => ({
  ...defaultSyncOptions,
  concurrency: settings.concurrency,
  maxDeleteShare: settings.maxDeleteShare,
  leftoverAgeMs: 2 * settings.transferTimeoutMs,
  force: options.force ?? false,
  dryRun: options.dryRun ?? false,
  stopAt: options.stopAt
})

export const populationOptionsOf = (settings: Settings, options: IngestOptions = {}) => ({
  url: settings.populationUrl,
  key: POPULATION_KEY,
  dryRun: options.dryRun ?? false
})

export const ingest = (settings: Settings, options: IngestOptions = {}) =>
  Effect.gen(function*() {
    const store = yield* ObjectStore
    const mirrors = surveyMirrorsOf(settings)
    const sync = yield* syncSurveys(mirrors, syncOptionsOf(settings, options))
    const population = options.population === false ? Exit.succeed(undefined) : yield* Effect.exit(
      Effect.gen(function*() {
        // Whatever the sync managed: the BLS file the reports would read now.
        const outOfTime = options.stopAt !== undefined && (yield* Clock.currentTimeMillis) >= options.stopAt
        if (outOfTime) return yield* new RunOutOfTime({ step: "population" })
        // Only a stack that mirrors the reports' survey tracks its file; another tracks the
        // population by its own bytes (and may not read bls/pr/, outside its surveys).
        const reportInputs = settings.surveys.includes(REPORTED_SURVEY)
          ? { blsSha256: (yield* store.head(BLS_DATA_KEY))?.metadata["sha256"] }
          : undefined
        return yield* fetchPopulation({ ...populationOptionsOf(settings, options), reportInputs })
      })
    )
    if (sync.total.failed.length === 0 && Exit.isSuccess(population)) {
      return { event: "ingest", sync, population: population.value } satisfies IngestSummary
    }
    const failures = [
      ...sync.surveys.flatMap((outcome) =>
        outcome.ok ? [] : [{ step: mirrors.length === 1 ? "BLS sync" : `BLS sync of ${outcome.survey}`, message: outcome.error }]
      ),
      ...(Exit.isFailure(population) ? [{ step: "population", message: causeMessage(population.cause) }] : [])
    ]
    return yield* new IngestFailed({ failures })
  })
