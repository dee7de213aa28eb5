/**
 * The pipeline hosted on Deno (Deno Deploy, or `deno task serve`): `Deno.cron` runs the
 * daily job — the ingest, then the reports, as the AWS stack does with EventBridge and
 * the S3 notification — and `Deno.serve` answers `GET /report` with the latest report
 * document from the store. Same domain code and adapters as the CLI and the Lambdas;
 * settings from the environment (QUEST_STORE=s3://… uses S3 through its API).
 *
 * PORT chooses the port (default 8000; 0 picks a free one, printed when listening).
 */
import { Effect, Exit, Logger } from "effect"
import { liveLayer } from "../adapters/liveLayer.ts"
import { objectStoreLayerFor } from "../adapters/objectStoreFromUrl.ts"
import { causeMessage } from "../domain/causeMessage.ts"
import { ingest } from "../domain/ingest.ts"
import { reportFolders, runReports } from "../domain/reports/runReports.ts"
import { loadSettings, type Settings, settingSpecs } from "../domain/settings.ts"
import { getBytes } from "../domain/store/ObjectStore.ts"

/** Daily at 06:00 UTC, after BLS's morning releases — the AWS stack's default schedule. */
const DAILY = "0 6 * * *"
const LATEST_REPORT_KEY = `${reportFolders(new Date())[1]}report.json`

const logged = <A, E>(program: Effect.Effect<A, E>) =>
  Effect.runPromiseExit(program.pipe(Effect.provide(Logger.layer([Logger.consoleJson]))))

const exitWith = (message: string): never => {
  console.error(JSON.stringify({ level: "ERROR", event: "serve-start-failed", message }))
  return Deno.exit(1)
}

const loaded = await Effect.runPromiseExit(loadSettings)
const settings: Settings = Exit.isSuccess(loaded) ? loaded.value : exitWith(causeMessage(loaded.cause))

/** The daily job: mirror and population, then the reports over what the store now holds. */
const dailyJob = Effect.gen(function*() {
  const ingested = yield* ingest(settings).pipe(Effect.provide(liveLayer(settings)))
  const doc = yield* runReports().pipe(Effect.provide(objectStoreLayerFor(settings.store)))
  yield* Effect.logInfo({ event: "daily-job", sync: ingested.sync, population: ingested.population, inputs: doc.inputs })
})

const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body, null, 2) + "\n", {
    status,
    headers: { "content-type": "application/json; charset=utf-8" }
  })

const latestReport = async (): Promise<Response> => {
  const exit = await logged(getBytes(LATEST_REPORT_KEY).pipe(Effect.provide(objectStoreLayerFor(settings.store))))
  if (Exit.isFailure(exit)) {
    const message = causeMessage(exit.cause)
    console.error(JSON.stringify({ level: "ERROR", event: "report-read-failed", message }))
    return json(503, { error: "The report could not be read from the store.", detail: message })
  }
  if (exit.value === undefined) {
    return json(404, {
      error: "No report yet.",
      detail: `${LATEST_REPORT_KEY} is not in the store ${settings.store}. The daily job writes it ` +
        `(${DAILY} UTC); to make one now, run \`quest run\` (or \`deno task quest run\`) against the same store.`
    })
  }
  return new Response(exit.value.bytes, { headers: { "content-type": "application/json; charset=utf-8" } })
}

const handle = (request: Request): Response | Promise<Response> => {
  const { pathname } = new URL(request.url)
  if (pathname !== "/report") {
    return json(404, { error: `Nothing at ${pathname}.`, detail: "GET /report answers with the latest report document." })
  }
  if (request.method !== "GET" && request.method !== "HEAD") return json(405, { error: "Only GET /report is served." })
  return latestReport()
}

if (settings.contact === "") {
  console.error(JSON.stringify({
    level: "WARN",
    event: "contact-missing",
    message: `${settingSpecs.contact.env} is not set: the daily job will refuse to run until it is.`
  }))
}

Deno.cron("quest daily job", DAILY, async () => {
  const exit = await logged(dailyJob)
  if (Exit.isFailure(exit)) console.error(JSON.stringify({ level: "ERROR", event: "daily-job-failed", message: causeMessage(exit.cause) }))
})

Deno.serve({
  port: Number(Deno.env.get("PORT") ?? 8000),
  onListen: ({ hostname, port }) =>
    console.log(JSON.stringify({ level: "INFO", event: "listening", url: `http://${hostname}:${port}/report`, port }))
}, handle)
