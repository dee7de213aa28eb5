/**
 * The daily fan-out's messages: one per survey, each run on its own. The AWS stack's
 * EventBridge targets and the Worker's cron write them; each ingest run reads one — all
 * through this one Schema.
 */
import * as Schema from "effect/Schema"
import { REPORTED_SURVEY } from "./storeKeys.ts"

export const SurveyMessage = Schema.Struct({
  survey: Schema.String,
  /** Fetch the population after this survey's sync (one survey a day does). */
  population: Schema.Boolean
})
export type SurveyMessage = typeof SurveyMessage.Type

/** As an SQS body or an EventBridge target's input carries it. */
export const SurveyMessageJson = Schema.fromJsonString(SurveyMessage)

/** One message per survey; the population rides with pr's, or with the first survey's when pr is not mirrored. */
export const surveyMessages = (surveys: ReadonlyArray<string>): ReadonlyArray<SurveyMessage> => {
  const carrier = surveys.includes(REPORTED_SURVEY) ? REPORTED_SURVEY : surveys[0]
  return surveys.map((survey) => ({ survey, population: survey === carrier }))
}
