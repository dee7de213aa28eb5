/**
 * The pipeline on Cloudflare Workers (workerd), as the AWS stack runs it:
 * - `scheduled` (the daily Cron Trigger) puts one message per survey on the survey queue;
 * - `queue` runs one survey's sync per message (and the population after pr's); a failed
 *   run's message is retried, then dead-lettered, by the queue's own settings. Writing the
 *   population starts the reports: R2's event notification sends its message to the reports
 *   queue; where none can (Miniflare), the ingest sends the same message itself, through the
 *   `REPORTS` producer it is given only there;
 * - `fetch` serves the latest report page and report.json, read-only.
 * Settings come from the Worker's vars and secrets through the one settings definition.
 * Streaming sha256 is node:crypto (the `nodejs_compat` flag): the hasher's interface is
 * synchronous, which workerd's DigestStream (a promise) is not, and WebAssembly compiled at
 * run time is refused there.
 */
import type { MessageBatch, Queue, R2Bucket } from "@cloudflare/workers-types/index.ts"
import * as ConfigProvider from "effect/ConfigProvider"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Layer from "effect/Layer"
import * as Schema from "effect/Schema"
import { nativeSha256Layer } from "../adapters/nativeHasher.ts"
import { ofetchHttpLayer } from "../adapters/ofetchHttp.ts"
import { makeR2Store } from "../adapters/r2Store.ts"
import { sourceLayer } from "../adapters/sourceLayer.ts"
import { causeMessage } from "../domain/causeMessage.ts"
import { ingest } from "../domain/ingest.ts"
import { LATEST_REPORTS_FOLDER, runReports } from "../domain/reports/runReports.ts"
import { loadSettings, type Settings } from "../domain/settings.ts"
import { ObjectStore } from "../domain/store/ObjectStore.ts"
import { POPULATION_KEY } from "../domain/storeKeys.ts"
import { SurveyMessage, surveyMessages } from "../domain/surveyMessages.ts"
import { lambdaLogging, logEvent } from "../handlers/lambdaLogging.ts"
import { LogEvent } from "../handlers/logEvents.ts"

export interface Env {
  readonly STORE: R2Bucket
  readonly SURVEYS: Queue<SurveyMessage>
  /** Only where R2 cannot notify the reports queue itself (local runs). */
  readonly REPORTS?: Queue<PopulationEvent>
  readonly [variable: string]: unknown
}

/** The part of R2's event notification the reports read: which object was written. */
const PopulationEventSchema = Schema.Struct({ object: Schema.Struct({ key: Schema.String }) })
type PopulationEvent = typeof PopulationEventSchema.Type & { readonly action: string; readonly eventTime: string }

const isSurveyMessage = Schema.is(SurveyMessage)
const isPopulationEvent = Schema.is(PopulationEventSchema)

const settingsOf = (env: Env) =>
  loadSettings.pipe(Effect.provideService(
    ConfigProvider.ConfigProvider,
    ConfigProvider.fromEnv({ env: Object.fromEntries(Object.entries(env).filter((entry): entry is [string, string] => typeof entry[1] === "string")) })
  ))

const services = (env: Env, settings: Settings) =>
  Layer.mergeAll(
    Layer.succeed(ObjectStore, makeR2Store(env.STORE)),
    sourceLayer(settings, ofetchHttpLayer),
    nativeSha256Layer,
    lambdaLogging
  )

/** A program over the Worker's services, with the settings its env gives. */
const run = <A, E>(env: Env, program: (settings: Settings) => Effect.Effect<A, E, Layer.Success<ReturnType<typeof services>>>) =>
  Effect.runPromiseExit(Effect.flatMap(settingsOf(env), (settings) => program(settings).pipe(Effect.provide(services(env, settings)))))

/** One survey's run; tells the reports queue when the population was written, where R2 cannot. */
const ingestSurvey = async (message: SurveyMessage, env: Env) => {
  const exit = await run(env, (settings) =>
    settings.surveys.includes(message.survey)
      ? ingest({ ...settings, surveys: [message.survey] }, { population: message.population })
      : Effect.fail(new Error(`the message asks for survey "${message.survey}", which QUEST_SURVEYS (${settings.surveys.join(",")}) does not name: add it there, or let the message go to the failed-runs queue`)))
  if (Exit.isFailure(exit)) {
    const error = causeMessage(exit.cause)
    logEvent("ERROR", LogEvent.ingestFailed, error, { survey: message.survey, error })
    return false
  }
  logEvent("INFO", LogEvent.ingestSucceeded, `The ingest mirrored BLS survey ${message.survey}.`, {
    survey: message.survey,
    summary: exit.value
  })
  if (exit.value.population?.written === true) {
    await env.REPORTS?.send({ action: "PutObject", object: { key: POPULATION_KEY }, eventTime: new Date().toISOString() })
  }
  return true
}

const reports = async (env: Env) => {
  const exit = await run(env, (settings) => runReports({ maxDropShare: settings.maxReportDropShare }))
  if (Exit.isSuccess(exit)) logEvent("INFO", LogEvent.reportsStored, "The reports are stored.", { inputs: exit.value.inputs })
  else logEvent("ERROR", LogEvent.recordFailed, causeMessage(exit.cause))
  return Exit.isSuccess(exit)
}

/** Retried, then dead-lettered, where it can be read. */
const unreadable = (id: string, body: unknown) => {
  logEvent("ERROR", LogEvent.recordFailed, `Message ${id} is neither a survey's nor R2's: ${JSON.stringify(body).slice(0, 200)}`)
  return false
}

const queue = async (batch: MessageBatch<unknown>, env: Env) => {
  // One reports run answers every population message of the batch: it reads the current inputs.
  let reportsRun: Promise<boolean> | undefined
  for (const message of batch.messages) {
    const body = message.body
    const done = isSurveyMessage(body)
      ? await ingestSurvey(body, env)
      : isPopulationEvent(body)
      ? body.object.key !== POPULATION_KEY || await (reportsRun ??= reports(env))
      : unreadable(message.id, body)
    if (done) message.ack()
    else message.retry()
  }
}

const scheduled = async (_controller: unknown, env: Env) => {
  const exit = await Effect.runPromiseExit(settingsOf(env))
  if (Exit.isFailure(exit)) throw new Error(causeMessage(exit.cause))
  await env.SURVEYS.sendBatch(surveyMessages(exit.value.surveys).map((body) => ({ body })))
}

const PAGES: Readonly<Record<string, string>> = {
  "/": "report.html",
  "/report.json": "report.json"
}

const fetch = async (request: Request, env: Env): Promise<Response> => {
  const file = PAGES[new URL(request.url).pathname]
  if (file === undefined) return Response.json({ error: "Nothing here: GET / is the latest report page, GET /report.json its document." }, { status: 404 })
  if (request.method !== "GET" && request.method !== "HEAD") {
    return Response.json({ error: `${request.method} is not served: this Worker answers GET and HEAD.` }, { status: 405, headers: { allow: "GET, HEAD" } })
  }
  const object = await env.STORE.get(`${LATEST_REPORTS_FOLDER}${file}`)
  if (object === null) return Response.json({ error: "No report yet: the daily job (the Cron Trigger) makes the first." }, { status: 404 })
  const headers = { "content-type": object.httpMetadata?.contentType ?? "application/octet-stream", etag: object.httpEtag }
  return new Response(request.method === "HEAD" ? null : object.body as unknown as ReadableStream, { headers })
}

export default { fetch, queue, scheduled }
