/**
 * Sync progress as rclone -P shows it: files k of N, bytes of the listed total, percent,
 * rate, ETA, and what the run waits for (the rate limit, a retry's backoff). On a terminal
 * one live status line; elsewhere a `progress` log record every few seconds. It reads the
 * domain's log records and, at the HTTP transport, the bytes of each body as it is read.
 */
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import { HttpClient, type HttpResponse } from "../domain/http/HttpClient.ts"
import type { LogRecord } from "../domain/logging/logRecord.ts"
import { tapStream } from "../domain/bytes/tapStream.ts"
import { formatBytes, formatDuration } from "./summaries.ts"
import type { CliLog, Terminal } from "./terminal.ts"

/** A terminal line is redrawn at most this often, a log gets a record at most this often, and the rate is measured over this long. */
const REDRAW_EVERY_MS = 100
export const RECORD_EVERY_MS = 5_000
const RATE_WINDOW_MS = 5_000

const nameOf = (url: string) => {
  const { hostname, pathname } = new URL(url)
  const last = pathname.split("/").pop() ?? ""
  return last === "" ? `${hostname} listing` : decodeURIComponent(last)
}

const numberField = (record: LogRecord, field: string): number | undefined => {
  const value = record[field]
  return typeof value === "number" && Number.isFinite(value) ? value : undefined
}

export type SyncProgress = ReturnType<typeof makeSyncProgress>

export const makeSyncProgress = (terminal: Terminal, log: CliLog, now: () => number = Date.now) => {
  const live = terminal.interactive && log.mode.human
  let plan: { readonly files: number; readonly bytes: number | undefined } | undefined
  // A file counts as done when stored (its log record) or, sooner, when its body is read whole.
  let filesStored = 0
  let filesRead = 0
  let bytes = 0
  let waiting: { readonly what: string; readonly until: number } | undefined
  const inFlight = new Set<{ readonly name: string }>()
  const samples: Array<readonly [number, number]> = []
  let shownAt = 0

  const show = (force: boolean) => {
    const t = now()
    if (plan === undefined || (live ? !force && t - shownAt < REDRAW_EVERY_MS : t - shownAt < RECORD_EVERY_MS)) return
    shownAt = t
    // Bytes per second over the recent window; none under a second of samples (no wild ETA).
    while (samples.length > 1 && t - samples[0]![0] > RATE_WINDOW_MS) samples.shift()
    const [since, from] = samples[0] ?? [t, bytes]
    const perSecond = t - since < 1000 ? undefined : ((bytes - from) / (t - since)) * 1000
    const total = plan.bytes
    const etaMs = total === undefined || !(perSecond! > 0) || bytes >= total ? undefined : Math.round(((total - bytes) / perSecond!) * 1000)
    const waitText = waiting !== undefined && waiting.until > t ? `waiting ${formatDuration(waiting.until - t)} ${waiting.what}` : undefined
    const percent = total === undefined || total === 0 ? undefined : Math.min(100, Math.floor((bytes / total) * 100))
    const bytesPerSecond = perSecond === undefined ? undefined : Math.round(perSecond)
    const filesDone = Math.min(plan.files, Math.max(filesStored, filesRead))
    const figures = { files: plan.files, filesDone, bytes, totalBytes: total, percent, bytesPerSecond, etaMs, waiting: waitText }
    // `3/12 files · 1.2 MB / 4.7 MB · 26% · 850 KB/s · ETA 4.0 s · pr.data.1.AllData · waiting 1.0 s to retry pr.class (…)`
    const line = [
      `${filesDone}/${plan.files} files`,
      `${formatBytes(bytes)}${total === undefined ? "" : ` / ${formatBytes(total)}`}`,
      percent === undefined ? undefined : `${percent}%`,
      bytesPerSecond === undefined ? undefined : `${formatBytes(bytesPerSecond)}/s`,
      etaMs === undefined ? undefined : `ETA ${formatDuration(etaMs)}`,
      inFlight.size === 0 ? undefined : [...inFlight].map((file) => file.name).join(", "),
      waitText
    ].filter((part) => part !== undefined).join(" · ")
    if (live) terminal.status(`↓ ${line}`)
    else log.say("INFO", "progress", line, figures)
  }

  const finish = () => {
    plan = waiting = undefined
    inFlight.clear()
    if (live) terminal.status(undefined)
  }

  // Waits and slow bodies change nothing the events see: a clock keeps the line (and the log) current.
  const ticker = setInterval(() => show(true), 1000)
  ticker.unref?.()

  const wait = (what: string, record: LogRecord) => {
    waiting = { what, until: now() + (numberField(record, "waitMs") ?? 0) }
    show(record.event === "source.retry")
  }

  return {
    /** Every log record the program writes, before any level filter. */
    observe: (record: LogRecord) => {
      switch (record.event) {
        case "bls-sync.plan":
          plan = { files: numberField(record, "transfer") ?? 0, bytes: numberField(record, "transferBytes") }
          filesStored = filesRead = bytes = 0
          samples.splice(0, samples.length, [now(), 0])
          shownAt = live ? 0 : now()
          return show(true)
        case "bls-sync.file":
          filesStored += 1
          return show(true)
        case "source.retry": {
          // Logged by the retry policy (domain/http/retryPolicy.ts) before each backoff.
          const [attempt, of, url] = [numberField(record, "attempt"), numberField(record, "of"), record["url"]]
          const reason = typeof record["reason"] === "string" ? record["reason"] : "a transient failure"
          const failed = attempt === undefined ? reason : `attempt ${attempt}${of === undefined ? "" : ` of ${of}`} failed: ${reason}`
          return wait(`to retry${typeof url === "string" ? ` ${nameOf(url)}` : ""} (${failed})`, record)
        }
        case "source.rate-limit":
          return wait("for the request rate limit", record)
        case "bls-sync":
          return finish()
      }
    },
    /** Counts the bytes of a response's body as the domain reads it. */
    track: (response: HttpResponse): HttpResponse => {
      if (plan === undefined || response.body === null || response.status < 200 || response.status >= 300) return response
      const file = { name: nameOf(response.url) }
      inFlight.add(file)
      waiting = undefined
      show(true)
      const body = tapStream(response.body, {
        chunk: (chunk) => {
          bytes += chunk.byteLength
          // One sample per redraw at most: a sample per 64 KiB chunk piled up between records.
          const t = now()
          if (t - (samples.at(-1)?.[0] ?? 0) >= REDRAW_EVERY_MS) samples.push([t, bytes])
          show(false)
        },
        end: () => {
          inFlight.delete(file)
          filesRead += 1
          show(true)
        },
        // A body dropped or failed half-way.
        failed: () => void inFlight.delete(file),
        cancelled: () => void inFlight.delete(file)
      })
      return { ...response, body }
    },
    close: () => {
      clearInterval(ticker)
      finish()
    }
  }
}

/** Wraps `inner` so every body's bytes count towards the progress. */
export const progressHttpLayer = (progress: SyncProgress, inner: Layer.Layer<HttpClient>): Layer.Layer<HttpClient> =>
  Layer.effect(
    HttpClient,
    Effect.map(HttpClient, (client) => HttpClient.of({ send: (request) => Effect.map(client.send(request), progress.track) }))
  ).pipe(Layer.provide(inner))
