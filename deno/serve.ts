/**
 * The pipeline hosted on Deno (Deno Deploy, or `deno task serve`): `Deno.cron` runs the
 * daily job — the ingest, then the reports, as the AWS stack does with EventBridge and
 * the S3 notification — and `Deno.serve` answers with the latest stored reports: `GET /`
 * the page, `GET /report.json` (and `/report`) the document. Settings from the
 * environment, as the Lambdas read them; HOST (default 127.0.0.1, this machine only) and
 * PORT (default 8000; 0 picks a free one) choose where it listens.
 */
/// <reference types="deno" />
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Logger from "effect/Logger"
import * as ManagedRuntime from "effect/ManagedRuntime"
import { liveLayer } from "../adapters/liveLayer.ts"
import { objectStoreLayerFor } from "../adapters/objectStoreFromUrl.ts"
import { causeMessage } from "../domain/causeMessage.ts"
import { ingest } from "../domain/ingest.ts"
import { type LogRecord, type LogRecordLevel, recordLogger } from "../domain/logging/logRecord.ts"
import { LATEST_REPORTS_FOLDER, runReports } from "../domain/reports/runReports.ts"
import { loadSettings, settingSpecs } from "../domain/settings.ts"
import { getBytes } from "../domain/store/ObjectStore.ts"

/** Daily at 06:00 UTC, after BLS's morning releases — the AWS stack's default schedule. */
const DAILY = "0 6 * * *"

/** One record a line, as the CLI and the Lambdas log: news on stdout, the rest on stderr. */
const emit = (record: LogRecord) =>
  (["INFO", "DEBUG", "TRACE"].includes(record.level) ? console.log : console.error)(JSON.stringify(record))

const say = (level: LogRecordLevel, event: string, message: string, fields: Record<string, unknown> = {}) =>
  emit({ time: new Date().toISOString(), level, event, message, ...fields })

const withRecords = <A, E, R>(program: Effect.Effect<A, E, R>) => program.pipe(Effect.provide(Logger.layer([recordLogger(emit)])))

const refuse = (message: string): never => {
  say("ERROR", "serve.refused", message)
  return Deno.exit(1)
}

const loaded = await Effect.runPromiseExit(loadSettings)
const settings = Exit.isSuccess(loaded) ? loaded.value : refuse(causeMessage(loaded.cause))

const portText = Deno.env.get("PORT") ?? "8000"
const port = /^\d+$/.test(portText) && Number(portText) <= 65535
  ? Number(portText)
  : refuse(`PORT=${JSON.stringify(portText)} is not a port: give a whole number from 0 to 65535 (0 picks a free one).`)
const hostname = Deno.env.get("HOST") || "127.0.0.1"

const dailyJob = Effect.gen(function*() {
  const ingested = yield* ingest(settings)
  const doc = yield* runReports()
  yield* Effect.logInfo({ event: "daily-job", message: "Daily job done", sync: ingested.sync, population: ingested.population, inputs: doc.inputs })
}).pipe(Effect.provide(liveLayer(settings)))

const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body, null, 2) + "\n", { status, headers: { "content-type": "application/json; charset=utf-8", ...headers } })

const ROUTES: Readonly<Record<string, string>> = { "/": "report.html", "/report.json": "report.json", "/report": "report.json" }

/** Built once for the server's life: one S3 client, not one a request. */
const pageStore = ManagedRuntime.make(objectStoreLayerFor(settings.store))

const stored = async (file: string, head: boolean): Promise<Response> => {
  const key = `${LATEST_REPORTS_FOLDER}${file}`
  const exit = await pageStore.runPromiseExit(withRecords(getBytes(key)))
  if (Exit.isFailure(exit)) {
    const message = causeMessage(exit.cause)
    say("ERROR", "serve.read-failed", message, { key })
    return json(503, { error: "The report could not be read from the store.", detail: message })
  }
  if (exit.value === undefined) {
    return json(404, {
      error: "No report yet.",
      detail: `${key} is not in the store ${settings.store}. The daily job writes it ` +
        `(${DAILY} UTC); to make one now, run \`quest run\` (or \`deno task quest run\`) against the same store.`
    })
  }
  const contentType = file.endsWith(".html") ? "text/html; charset=utf-8" : "application/json; charset=utf-8"
  return new Response(head ? null : exit.value.bytes, {
    headers: { "content-type": contentType, "content-length": String(exit.value.bytes.byteLength) }
  })
}

const handle = (request: Request): Response | Promise<Response> => {
  const { pathname } = new URL(request.url)
  const file = ROUTES[pathname]
  if (file === undefined) {
    return json(404, {
      error: `Nothing at ${pathname}.`,
      detail: "GET / answers with the latest report page, GET /report.json with its document."
    })
  }
  if (request.method !== "GET" && request.method !== "HEAD") {
    return json(405, { error: `${request.method} is not served; ${pathname} answers GET and HEAD.` }, { allow: "GET, HEAD" })
  }
  return stored(file, request.method === "HEAD")
}

if (settings.contact === "") {
  say("WARN", "serve.contact-missing", `${settingSpecs.contact.env} is not set: the daily job will refuse to run until it is.`)
}

Deno.cron("quest daily job", DAILY, async () => {
  const exit = await Effect.runPromiseExit(withRecords(dailyJob))
  if (Exit.isFailure(exit)) say("ERROR", "daily-job-failed", causeMessage(exit.cause))
})

try {
  Deno.serve({
    port,
    hostname,
    onListen: ({ hostname, port }) =>
      say("INFO", "listening", `Serving the latest reports at http://${hostname}:${port}/`, { url: `http://${hostname}:${port}/`, port })
  }, handle)
} catch (error) {
  refuse(
    error instanceof Deno.errors.AddrInUse
      ? `Port ${port} on ${hostname} is already in use: stop what holds it, or choose another with PORT (0 picks a free one).`
      : `Could not listen on ${hostname}:${port}: ${error instanceof Error ? error.message : String(error)}. Check HOST and PORT.`
  )
}
