/**
 * Lambda entry of the ingest.
 *
 * Fed by the survey queue (infra/surveyFanOut.ts): each message names one survey to mirror,
 * and whether to fetch the population after it; the event source mapping hands over one
 * message per invocation, so each survey runs within its own time limit, and a failed
 * survey's message alone is returned to the queue (for its retry, then the failed-runs
 * queue). Invoked directly (the console, `aws lambda invoke`, any event without
 * `Records`), it runs the whole ingest: every configured survey, then the population.
 *
 * Thin: the runtime (settings, S3 store, polite upstream client, logger) is built once per
 * container; each run logs one success record (the "no successful ingest" metric is read
 * from it) or one failure record naming its survey (a per-survey alarm is read from that).
 */
import type { Context, ScheduledEvent, SQSBatchResponse, SQSEvent } from "aws-lambda"
import * as Cause from "effect/Cause"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Layer from "effect/Layer"
import { nativeSha256Layer } from "../adapters/nativeHasher.ts"
import { ofetchHttpLayer } from "../adapters/ofetchHttp.ts"
import { sourceLayer } from "../adapters/sourceLayer.ts"
import { causeMessage } from "../domain/causeMessage.ts"
import { ingest, type IngestSummary } from "../domain/ingest.ts"
import { SurveyMessageJson } from "../domain/surveyMessages.ts"
import { logEvent } from "./lambdaLogging.ts"
import { FunctionSettings, lambdaRuntime } from "./lambdaRuntime.ts"
import { lambdaStoreLayer } from "./lambdaStore.ts"
import { LogEvent } from "./logEvents.ts"
import { bodyDecoder } from "./sqsBody.ts"

// node:crypto's sha256 (adapters/nativeHasher.ts) checks each download streamed to S3:
// several times faster than the domain's portable pure-JS default.
const runtime = lambdaRuntime((settings) =>
  Layer.mergeAll(lambdaStoreLayer(settings.store), sourceLayer(settings, ofetchHttpLayer), nativeSha256Layer)
)

/** What the run keeps of the function's time to stop its transfers, save what it did and log it. */
const STOP_RESERVE_MS = 30_000

/** The part of Lambda's context the ingest reads. */
export type LambdaContext = Pick<Context, "getRemainingTimeInMillis">

/** One survey's run, or all of them (`survey` undefined), as the settings configure. */
const run = (survey: string | undefined, population: boolean, stopAt: number | undefined) =>
  Effect.gen(function*() {
    const settings = yield* FunctionSettings
    if (survey !== undefined && !settings.surveys.includes(survey)) {
      return yield* Effect.fail(new Error(
        `the message asks for survey "${survey}", which this stack does not mirror (QUEST_SURVEYS=${settings.surveys.join(",")})`
      ))
    }
    return yield* ingest(survey === undefined ? settings : { ...settings, surveys: [survey] }, { population, stopAt })
  })

const runLogged = async (
  survey: string | undefined,
  population: boolean,
  stopAt: number | undefined,
  context: Record<string, unknown>
) => {
  const exit = await runtime.runPromiseExit(run(survey, population, stopAt))
  const named = survey === undefined ? {} : { survey }
  if (Exit.isSuccess(exit)) {
    const what = survey === undefined ? "The ingest mirrored BLS and stored the population." : `The ingest mirrored BLS survey ${survey}.`
    logEvent("INFO", LogEvent.ingestSucceeded, what, { ...context, ...named, summary: exit.value })
    return { ok: true as const, summary: exit.value }
  }
  const message = causeMessage(exit.cause)
  logEvent("ERROR", LogEvent.ingestFailed, message, { ...context, ...named, error: message, cause: Cause.pretty(exit.cause) })
  return { ok: false as const, message }
}

const decodeSurveyMessage = bodyDecoder(SurveyMessageJson)

const isQueueEvent = (event: Partial<ScheduledEvent> | SQSEvent): event is SQSEvent =>
  "Records" in event && Array.isArray(event.Records)

export const handler = async (
  event: Partial<ScheduledEvent> | SQSEvent,
  context?: LambdaContext
): Promise<IngestSummary | SQSBatchResponse> => {
  // Stop starting work before Lambda would kill the run mid-way, so it ends with its summary and a failure.
  const stopAt = context === undefined ? undefined : Date.now() + context.getRemainingTimeInMillis() - STOP_RESERVE_MS
  if (isQueueEvent(event)) {
    const failed: Array<string> = []
    for (const record of event.Records) {
      const message = decodeSurveyMessage(record.body)
      if ("problem" in message) {
        const error = `not a survey message (${message.problem}): ${record.body.slice(0, 200)}`
        logEvent("ERROR", LogEvent.ingestFailed, error, { messageId: record.messageId, error })
        failed.push(record.messageId)
        continue
      }
      const outcome = await runLogged(message.value.survey, message.value.population, stopAt, { messageId: record.messageId })
      if (!outcome.ok) failed.push(record.messageId)
    }
    return { batchItemFailures: failed.map((itemIdentifier) => ({ itemIdentifier })) }
  }
  const outcome = await runLogged(undefined, true, stopAt, { trigger: { id: event.id, time: event.time, rule: event.resources?.[0] } })
  if (!outcome.ok) throw new Error(outcome.message)
  return outcome.summary
}
