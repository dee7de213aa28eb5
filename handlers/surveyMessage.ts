/**
 * The survey queue's message: which survey one ingest run mirrors, and whether the run
 * fetches the population after it. infra/surveyFanOut.ts writes it (the input of an
 * EventBridge target), handlers/ingest.ts reads it: both through this Schema.
 */
import * as Schema from "effect/Schema"

export const SurveyMessage = Schema.fromJsonString(Schema.Struct({
  survey: Schema.String,
  /** Fetch the population after this survey's sync (one survey a day does). */
  population: Schema.Boolean
}))

export type SurveyMessage = typeof SurveyMessage.Type
