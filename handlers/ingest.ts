/**
 * Lambda entry of the ingest. Fed by the survey queue (infra/surveyFanOut.ts), one message
 * per invocation: each names one survey, and whether to fetch the population after it, so
 * each survey runs within its own time limit and a failed one alone is returned to the
 * queue. Invoked directly (any event without `Records`), it runs every configured survey,
 * then the population. Each run logs one success record (the "no successful ingest"
 * alarm counts them) or one failure record naming its survey (its own alarm).
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

// node:crypto's sha256 checks each download streamed to S3, several times faster than the portable default.
const runtime = lambdaRuntime((settings) =>
  Layer.mergeAll(lambdaStoreLayer(settings.store), sourceLayer(settings, ofetchHttpLayer), nativeSha256Layer)
)

/** What the run keeps of the function's time to stop its transfers, save what it did and log it. */
const STOP_RESERVE_MS = 30_000

/** One survey's run, or all of them (`survey` undefined); logged, as the alarms read it. */
const run = async (survey: string | undefined, population: boolean, stopAt: number | undefined, context: object) => {
  const exit = await runtime.runPromiseExit(Effect.gen(function*() {
    const settings = yield* FunctionSettings
    if (survey !== undefined && !settings.surveys.includes(survey)) {
      return yield* Effect.fail(new Error(
        `the message asks for survey "${survey}", which this stack does not mirror (QUEST_SURVEYS=${settings.surveys.join(",")})`
      ))
    }
    return yield* ingest(survey === undefined ? settings : { ...settings, surveys: [survey] }, { population, stopAt })
  }))
  const fields = survey === undefined ? context : { ...context, survey }
  if (Exit.isSuccess(exit)) {
    const what = survey === undefined ? "The ingest mirrored BLS and stored the population." : `The ingest mirrored BLS survey ${survey}.`
    logEvent("INFO", LogEvent.ingestSucceeded, what, { ...fields, summary: exit.value })
    return exit
  }
  const message = causeMessage(exit.cause)
  logEvent("ERROR", LogEvent.ingestFailed, message, { ...fields, error: message, cause: Cause.pretty(exit.cause) })
  return Exit.fail(new Error(message))
}

const decodeSurveyMessage = bodyDecoder(SurveyMessageJson)

const isQueueEvent = (event: object): event is SQSEvent => "Records" in event && Array.isArray(event.Records)

export const handler = async (
  event: Partial<ScheduledEvent> | SQSEvent,
  context?: Pick<Context, "getRemainingTimeInMillis">
): Promise<IngestSummary | SQSBatchResponse> => {
  // Stop starting work before Lambda would kill the run mid-way, so it ends with its summary and a failure.
  const stopAt = context === undefined ? undefined : Date.now() + context.getRemainingTimeInMillis() - STOP_RESERVE_MS
  if (!isQueueEvent(event)) {
    const exit = await run(undefined, true, stopAt, { trigger: { id: event.id, time: event.time, rule: event.resources?.[0] } })
    if (Exit.isFailure(exit)) throw Cause.squash(exit.cause)
    return exit.value
  }
  const failed: Array<{ itemIdentifier: string }> = []
  for (const { messageId, body } of event.Records) {
    const message = decodeSurveyMessage(body)
    if ("problem" in message) {
      const error = `not a survey message (${message.problem}): ${body.slice(0, 200)}`
      logEvent("ERROR", LogEvent.ingestFailed, error, { messageId, error })
      failed.push({ itemIdentifier: messageId })
    } else if (Exit.isFailure(await run(message.value.survey, message.value.population, stopAt, { messageId }))) {
      failed.push({ itemIdentifier: messageId })
    }
  }
  return { batchItemFailures: failed }
}
