/**
 * Lambda entry of the daily ingest (EventBridge schedule → BLS sync + population fetch).
 *
 * Thin: settings from the environment (Effect Config), the live layers, the domain's
 * `ingest`, and its result turned into what Lambda and the alarms understand — one
 * structured summary line on success (the "no successful ingest" metric is read from it),
 * a structured error line and a thrown error on failure, so Lambda counts an error.
 */
import { Cause, Effect, Exit, Layer } from "effect"
import { sourceLayer } from "../adapters/sourceLayer.ts"
import { causeMessage } from "../domain/causeMessage.ts"
import { ingest, type IngestSummary } from "../domain/ingest.ts"
import { loadSettings } from "../domain/settings.ts"
import { lambdaLogging } from "./lambdaLogging.ts"
import { lambdaStoreLayer } from "./lambdaStore.ts"
import { LogEvent } from "./logEvents.ts"

/** The fields of an EventBridge scheduled event worth a log line. */
export interface ScheduledEvent {
  readonly id?: string
  readonly time?: string
  readonly resources?: ReadonlyArray<string>
}

const run = Effect.gen(function*() {
  const settings = yield* loadSettings
  return yield* ingest(settings).pipe(Effect.provide(Layer.mergeAll(lambdaStoreLayer(settings.store), sourceLayer(settings))))
}).pipe(Effect.provide(lambdaLogging))

export const handler = async (event: ScheduledEvent): Promise<IngestSummary> => {
  const trigger = { id: event.id, time: event.time, rule: event.resources?.[0] }
  const exit = await Effect.runPromiseExit(run)
  if (Exit.isSuccess(exit)) {
    console.info({ event: LogEvent.ingestSucceeded, trigger, summary: exit.value })
    return exit.value
  }
  const message = causeMessage(exit.cause)
  console.error({ event: LogEvent.ingestFailed, trigger, error: message, cause: Cause.pretty(exit.cause) })
  throw new Error(message)
}
