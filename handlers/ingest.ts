/**
 * Lambda entry of the daily ingest (EventBridge schedule → BLS sync + population fetch).
 *
 * Thin: the runtime (settings, S3 store, polite upstream client, logger) is built once per
 * container; each invocation runs the domain's `ingest` on it and turns the result into
 * what Lambda and the alarms understand — one summary record on success (the "no
 * successful ingest" metric is read from it), an error record and a thrown error on
 * failure, so Lambda counts an error and sends the event to the on-failure destination.
 */
import { Cause, Effect, Exit, Layer } from "effect"
import { ofetchHttpLayer } from "../adapters/ofetchHttp.ts"
import { sourceLayer } from "../adapters/sourceLayer.ts"
import { causeMessage } from "../domain/causeMessage.ts"
import { ingest, type IngestSummary } from "../domain/ingest.ts"
import { logEvent } from "./lambdaLogging.ts"
import { FunctionSettings, lambdaRuntime } from "./lambdaRuntime.ts"
import { lambdaStoreLayer } from "./lambdaStore.ts"
import { LogEvent } from "./logEvents.ts"

/** The fields of an EventBridge scheduled event worth a log line. */
export interface ScheduledEvent {
  readonly id?: string
  readonly time?: string
  readonly resources?: ReadonlyArray<string>
}

const runtime = lambdaRuntime((settings) => Layer.mergeAll(lambdaStoreLayer(settings.store), sourceLayer(settings, ofetchHttpLayer)))

/** What the run keeps of the function's time to stop its transfers, save what it did and log it. */
export const STOP_RESERVE_MS = 30_000

/** The part of Lambda's context the ingest reads. */
export interface LambdaContext {
  readonly getRemainingTimeInMillis: () => number
}

const run = (stopAt: number | undefined) =>
  Effect.gen(function*() {
    return yield* ingest(yield* FunctionSettings, { stopAt })
  })

export const handler = async (event: ScheduledEvent, context?: LambdaContext): Promise<IngestSummary> => {
  const trigger = { id: event.id, time: event.time, rule: event.resources?.[0] }
  // Stop starting work before Lambda would kill the run mid-way, so it ends with its summary and a failure.
  const stopAt = context === undefined ? undefined : Date.now() + context.getRemainingTimeInMillis() - STOP_RESERVE_MS
  const exit = await runtime.runPromiseExit(run(stopAt))
  if (Exit.isSuccess(exit)) {
    logEvent("INFO", LogEvent.ingestSucceeded, "The ingest mirrored BLS and stored the population.", { trigger, summary: exit.value })
    return exit.value
  }
  const message = causeMessage(exit.cause)
  logEvent("ERROR", LogEvent.ingestFailed, message, { trigger, error: message, cause: Cause.pretty(exit.cause) })
  throw new Error(message)
}
