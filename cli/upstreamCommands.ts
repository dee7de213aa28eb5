/**
 * The commands that go upstream — `sync`, `population` and the ingest half of `run` — with
 * the services they need: the HTTP source, the directory listing's parser (linkedom), the
 * download checks. commands.ts loads this module only for those commands, so `quest report`
 * and `quest show` start without any of it.
 */
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import { nativeSha256Layer } from "../adapters/nativeHasher.ts"
import { sourceLayer } from "../adapters/sourceLayer.ts"
import { syncMirror } from "../domain/bls/syncMirror.ts"
import { surveysFailure, syncSurveys } from "../domain/bls/syncSurveys.ts"
import { ingest, populationOptionsOf, syncOptionsOf } from "../domain/ingest.ts"
import { fetchPopulation } from "../domain/population/fetchPopulation.ts"
import { surveyMirrorsOf } from "../domain/settings.ts"
import type { ObjectStore, StoreError } from "../domain/store/ObjectStore.ts"
import { mirrorPrefixOf } from "../domain/storeKeys.ts"
import type { CommandContext, CommandOutput } from "./commands.ts"
import { populationText, surveysText, syncText } from "./summaries.ts"

/** The command's store (read-only in a dry run), as commands.ts builds it. */
type StoreLayer = Layer.Layer<ObjectStore, StoreError>

const upstreamLayer = (context: CommandContext, store: StoreLayer) =>
  Layer.mergeAll(store, sourceLayer(context.settings, context.http), nativeSha256Layer)

const options = (context: CommandContext) => ({ dryRun: context.switches.dryRun, force: context.switches.force })

export const syncCommand = (context: CommandContext, store: StoreLayer) => {
  const mirrors = surveyMirrorsOf(context.settings)
  const syncOptions = syncOptionsOf(context.settings, options(context))
  // One survey: its summary, or its own error, as always. Several: a summary each and a
  // total, and the failed ones as the command's failure.
  const program = mirrors.length === 1
    ? syncMirror({ ...syncOptions, baseUrl: mirrors[0]!.baseUrl, prefix: mirrorPrefixOf(mirrors[0]!.survey) }).pipe(
      Effect.map((summary): CommandOutput => ({ json: summary, text: () => [syncText(summary, context.maxRows)] }))
    )
    : syncSurveys(mirrors, syncOptions).pipe(
      Effect.map((run): CommandOutput => ({ json: run, text: () => [surveysText(run, context.maxRows)], failure: surveysFailure(run) }))
    )
  return program.pipe(Effect.provide(upstreamLayer(context, store)))
}

export const populationCommand = (context: CommandContext, store: StoreLayer) =>
  fetchPopulation(populationOptionsOf(context.settings, options(context))).pipe(
    Effect.map((summary): CommandOutput => ({ json: summary, text: () => [populationText(summary)] })),
    Effect.provide(upstreamLayer(context, store))
  )

/** `run`'s first half: the sync and the population, the text that says what they did, and whether the store changed. */
export const ingestCommand = (context: CommandContext, store: StoreLayer) =>
  ingest(context.settings, options(context)).pipe(
    Effect.map(({ sync, population }) => ({
      text: surveysText(sync, context.maxRows) + (population === undefined ? "" : populationText(population)),
      changed: sync.total.added + sync.total.updated + sync.total.deleted > 0 || population?.written === true
    })),
    Effect.provide(upstreamLayer(context, store))
  )
