/**
 * Mirrors several BLS surveys in one run: each from its own directory into `bls/<survey>/`,
 * with its own listing, plan, delete guard, state and summary. One survey failing (a
 * drifted listing, a 403, a bad file) fails that survey's run only; the others complete.
 *
 * The surveys run one after another over the one SourceHttp of the run, so the request
 * rate and the number of transfers in flight hold for the run as a whole: adding surveys
 * makes a run longer, never harder on BLS.
 */
import * as Cause from "effect/Cause"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Schema from "effect/Schema"
import { causeMessage, tagOf } from "../causeMessage.ts"
import type { SurveyMirror } from "../settings.ts"
import { mirrorPrefixOf } from "../storeKeys.ts"
import { type SyncOptions, type SyncSummary, syncMirror } from "./syncMirror.ts"

export type SurveyOutcome =
  | { readonly survey: string; readonly source: string; readonly ok: true; readonly summary: SyncSummary }
  | { readonly survey: string; readonly source: string; readonly ok: false; readonly error: string; readonly errorTag: string }

const COUNTED = ["listed", "added", "updated", "deleted", "unchanged", "bytesDownloaded", "requests"] as const
type Counted = typeof COUNTED[number]

/** The surveys that synced, added up; `failed` names the others. */
export interface SurveysTotal extends Pick<SyncSummary, Counted> {
  readonly surveys: number
  readonly failed: ReadonlyArray<string>
}

export interface SurveysRun {
  readonly event: "bls-sync-surveys"
  readonly surveys: ReadonlyArray<SurveyOutcome>
  readonly total: SurveysTotal
}

export class SurveysFailed extends Schema.TaggedError<SurveysFailed>()("SurveysFailed", {
  failures: Schema.Array(Schema.Struct({ survey: Schema.String, message: Schema.String })),
  completed: Schema.Number
}) {
  override get message() {
    return `${this.failures.length} of ${this.failures.length + this.completed} surveys failed to sync; the others ` +
      `completed. ${this.failures.map((failure) => `${failure.survey}: ${failure.message}`).join(" ")}`
  }
}

const totalOf = (outcomes: ReadonlyArray<SurveyOutcome>): SurveysTotal => {
  const done = outcomes.flatMap((outcome) => (outcome.ok ? [outcome.summary] : []))
  const sums = COUNTED.map((field) => [field, done.reduce((total, summary) => total + summary[field], 0)])
  return {
    surveys: outcomes.length,
    failed: outcomes.filter((outcome) => !outcome.ok).map((outcome) => outcome.survey),
    ...(Object.fromEntries(sums) as Record<Counted, number>)
  }
}

/** Every survey's sync, in turn; never fails on a survey's failure (see `SurveysRun.total.failed`). */
export const syncSurveys = (mirrors: ReadonlyArray<SurveyMirror>, options: Omit<SyncOptions, "baseUrl" | "prefix">) =>
  Effect.gen(function*() {
    const outcomes: Array<SurveyOutcome> = []
    for (const { survey, baseUrl } of mirrors) {
      const exit = yield* Effect.exit(
        syncMirror({ ...options, baseUrl, prefix: mirrorPrefixOf(survey) }).pipe(Effect.annotateLogs({ survey }))
      )
      // Stopping the run stops it for every survey.
      if (Exit.isFailure(exit) && Cause.hasInterruptsOnly(exit.cause)) return yield* Effect.failCause(exit.cause)
      outcomes.push(
        Exit.isSuccess(exit)
          ? { survey, source: baseUrl, ok: true, summary: exit.value }
          : { survey, source: baseUrl, ok: false, error: causeMessage(exit.cause), errorTag: tagOf(Cause.squash(exit.cause)) }
      )
    }
    return { event: "bls-sync-surveys", surveys: outcomes, total: totalOf(outcomes) } satisfies SurveysRun
  })

/** The run's failures as one error, or nothing when every survey synced. */
export const surveysFailure = (run: SurveysRun): SurveysFailed | undefined => {
  const failures = run.surveys.flatMap((outcome) => (outcome.ok ? [] : [{ survey: outcome.survey, message: outcome.error }]))
  return failures.length === 0 ? undefined : new SurveysFailed({ failures, completed: run.surveys.length - failures.length })
}
