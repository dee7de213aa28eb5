/**
 * Mirrors several BLS surveys in one run, each from its own directory into `bls/<survey>/`
 * with its own listing, plan, delete guard, state and summary; one failing fails only
 * itself. They run one after another over the run's one SourceHttp, so the request rate
 * and the transfers in flight hold for the run as a whole.
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

export interface SurveysRun {
  readonly event: "bls-sync-surveys"
  readonly surveys: ReadonlyArray<SurveyOutcome>
  /** The surveys that synced, added up; `failed` names the others. */
  readonly total: Pick<SyncSummary, typeof COUNTED[number]> & { readonly surveys: number; readonly failed: ReadonlyArray<string> }
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

const totalOf = (outcomes: ReadonlyArray<SurveyOutcome>): SurveysRun["total"] => {
  const done = outcomes.flatMap((outcome) => (outcome.ok ? [outcome.summary] : []))
  const sums = COUNTED.map((field) => [field, done.reduce((total, summary) => total + summary[field], 0)])
  return {
    surveys: outcomes.length,
    failed: outcomes.filter((outcome) => !outcome.ok).map((outcome) => outcome.survey),
    ...(Object.fromEntries(sums) as Record<typeof COUNTED[number], number>)
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
