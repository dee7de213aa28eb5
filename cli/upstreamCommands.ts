/** The commands that reach BLS or DataUSA: commands.ts loads this file only to run one of them. */
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import { nativeSha256Layer } from "../adapters/nativeHasher.ts"
import { sourceLayer } from "../adapters/sourceLayer.ts"
import { syncMirror } from "../domain/bls/syncMirror.ts"
import { surveysFailure, syncSurveys } from "../domain/bls/syncSurveys.ts"
import { ingest, populationOptionsOf, syncOptionsOf } from "../domain/ingest.ts"
import { fetchPopulation } from "../domain/population/fetchPopulation.ts"
import { surveyMirrorsOf } from "../domain/settings.ts"
import { mirrorPrefixOf } from "../domain/storeKeys.ts"
import { type CommandContext, type CommandOutput, options, type Program, storeLayer } from "./commands.ts"
import { populationText, surveysText, syncText } from "./summaries.ts"

const upstreamLayer = (context: CommandContext) =>
  Layer.mergeAll(storeLayer(context), sourceLayer(context.settings, context.http), nativeSha256Layer)

/** One survey: its summary, or its own error. Several: a summary each and a total, the failed ones the command's failure. */
export const sync: Program = (context) => {
  const [only, ...more] = surveyMirrorsOf(context.settings)
  const syncOptions = syncOptionsOf(context.settings, options(context))
  const program: Effect.Effect<CommandOutput, unknown, Layer.Success<ReturnType<typeof upstreamLayer>>> = more.length === 0
    ? Effect.map(syncMirror({ ...syncOptions, baseUrl: only!.baseUrl, prefix: mirrorPrefixOf(only!.survey) }), (summary) => ({
      json: summary,
      text: () => [syncText(summary, context.maxRows)]
    }))
    : Effect.map(syncSurveys([only!, ...more], syncOptions), (run) => ({
      json: run,
      text: () => [surveysText(run, context.maxRows)],
      failure: surveysFailure(run)
    }))
  return Effect.provide(program, upstreamLayer(context))
}

export const population: Program = (context) =>
  fetchPopulation(populationOptionsOf(context.settings, options(context))).pipe(
    Effect.map((summary) => ({ json: summary, text: () => [populationText(summary)] })),
    Effect.provide(upstreamLayer(context))
  )

/** `quest run`'s first half: the surveys mirrored and the population fetched. */
export const ingested = (context: CommandContext) => Effect.provide(ingest(context.settings, options(context)), upstreamLayer(context))
