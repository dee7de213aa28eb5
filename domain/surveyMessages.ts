/**
 * The daily fan-out's messages: one per survey, each run on its own (the AWS stack's
 * EventBridge targets and the Worker's cron put them on their survey queue; each ingest
 * reads one). The population is fetched by one run a day: the reported survey's.
 */
import { REPORTED_SURVEY } from "./storeKeys.ts"

/** What one survey's message says; the ingest reads it. */
export interface SurveyMessage {
  readonly survey: string
  /** Fetch the population after this survey's sync (one survey a day does). */
  readonly population: boolean
}

/** One message per survey; the population rides with pr's, or with the first survey's when pr is not mirrored. */
export const surveyMessages = (surveys: ReadonlyArray<string>): ReadonlyArray<SurveyMessage> => {
  const carrier = surveys.includes(REPORTED_SURVEY) ? REPORTED_SURVEY : surveys[0]
  return surveys.map((survey) => ({ survey, population: survey === carrier }))
}
