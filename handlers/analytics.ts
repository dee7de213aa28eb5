/**
 * Lambda entry of the analytics (SQS batch of S3 notifications → the reports). The reports
 * run once per batch that holds a population notification: they read the current inputs,
 * so one run answers every record, and a duplicate delivery writes the same reports again.
 * Only failed records go back (a partial batch response), each logged at ERROR as
 * `analytics.record-failed`, the line the "report failed" alarm counts.
 */
import type { SQSBatchResponse, SQSEvent } from "aws-lambda"
import * as Cause from "effect/Cause"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Layer from "effect/Layer"
import { nativeSha256Layer } from "../adapters/nativeHasher.ts"
import { causeMessage } from "../domain/causeMessage.ts"
import { runReports } from "../domain/reports/runReports.ts"
import { POPULATION_KEY } from "../domain/storeKeys.ts"
import { logEvent } from "./lambdaLogging.ts"
import { FunctionSettings, lambdaRuntime } from "./lambdaRuntime.ts"
import { lambdaStoreLayer } from "./lambdaStore.ts"
import { LogEvent } from "./logEvents.ts"
import { judgeRecord } from "./s3Notifications.ts"

// node:crypto's sha256 for a BLS file without a recorded one: faster than the portable default.
const runtime = lambdaRuntime((settings) => Layer.merge(lambdaStoreLayer(settings.store), nativeSha256Layer))

export const handler = async (event: SQSEvent): Promise<SQSBatchResponse> => {
  const verdicts = event.Records.map((record) => judgeRecord(record, POPULATION_KEY))
  const failed: Array<string> = []
  const triggers: Array<{ messageId: string; objects: ReadonlyArray<string> }> = []
  for (const verdict of verdicts) {
    if (verdict.verdict === "skip") {
      logEvent("INFO", LogEvent.recordSkipped, `Skipped message ${verdict.messageId}: ${verdict.reason}.`, verdict)
    }
    if (verdict.verdict === "unreadable") {
      logEvent("ERROR", LogEvent.recordFailed, `Message ${verdict.messageId} is unreadable: ${verdict.reason}.`, verdict)
      failed.push(verdict.messageId)
    }
    if (verdict.verdict === "report") triggers.push(verdict)
  }
  if (triggers.length > 0) {
    const messages = triggers.map((trigger) => trigger.messageId)
    const reports = Effect.flatMap(FunctionSettings, (settings) => runReports({ maxDropShare: settings.maxReportDropShare }))
    const exit = await runtime.runPromiseExit(reports)
    if (Exit.isSuccess(exit)) {
      logEvent("INFO", LogEvent.reportsStored, "The reports are stored.", {
        messages,
        objects: triggers.flatMap((t) => t.objects),
        reports: exit.value
      })
    } else {
      const message = causeMessage(exit.cause)
      logEvent("ERROR", LogEvent.recordFailed, message, { messages, error: message, cause: Cause.pretty(exit.cause) })
      failed.push(...messages)
    }
  }
  return { batchItemFailures: failed.map((itemIdentifier) => ({ itemIdentifier })) }
}
