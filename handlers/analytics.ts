/**
 * Lambda entry of the analytics (SQS batch of S3 notifications → the reports).
 *
 * Thin: s3Notifications.ts reads the records; the reports run once per batch that holds
 * at least one population notification — they read the current inputs, not the object
 * version in the event, so one run answers every notification in the batch, and a
 * duplicate delivery only writes the same reports again. The result goes to the log as
 * structured JSON (the reports themselves included) and back to Lambda as a partial
 * batch response: only the records that failed are retried.
 */
import { Cause, Effect, Exit } from "effect"
import { causeMessage } from "../domain/causeMessage.ts"
import { runReports } from "../domain/reports/runReports.ts"
import { POPULATION_KEY } from "../domain/storeKeys.ts"
import { loadSettings } from "../domain/settings.ts"
import { lambdaLogging } from "./lambdaLogging.ts"
import { lambdaStoreLayer } from "./lambdaStore.ts"
import { LogEvent } from "./logEvents.ts"
import { judgeRecord, type SqsEvent } from "./s3Notifications.ts"

export interface SqsBatchResponse {
  readonly batchItemFailures: ReadonlyArray<{ readonly itemIdentifier: string }>
}

const reports = Effect.gen(function*() {
  const settings = yield* loadSettings
  return yield* runReports().pipe(Effect.provide(lambdaStoreLayer(settings.store)))
}).pipe(Effect.provide(lambdaLogging))

export const handler = async (event: SqsEvent): Promise<SqsBatchResponse> => {
  const verdicts = event.Records.map((record) => judgeRecord(record, POPULATION_KEY))
  const failed: Array<string> = []
  const triggers: Array<{ messageId: string; objects: ReadonlyArray<string> }> = []
  for (const verdict of verdicts) {
    if (verdict.verdict === "skip") console.info({ event: LogEvent.recordSkipped, ...verdict })
    if (verdict.verdict === "unreadable") {
      console.error({ event: LogEvent.recordFailed, ...verdict })
      failed.push(verdict.messageId)
    }
    if (verdict.verdict === "report") triggers.push(verdict)
  }
  if (triggers.length > 0) {
    const messages = triggers.map((trigger) => trigger.messageId)
    const exit = await Effect.runPromiseExit(reports)
    if (Exit.isSuccess(exit)) {
      console.info({ event: LogEvent.reportsStored, messages, objects: triggers.flatMap((t) => t.objects), reports: exit.value })
    } else {
      const message = causeMessage(exit.cause)
      console.error({ event: LogEvent.recordFailed, messages, error: message, cause: Cause.pretty(exit.cause) })
      failed.push(...messages)
    }
  }
  return { batchItemFailures: failed.map((itemIdentifier) => ({ itemIdentifier })) }
}
