/**
 * Sync progress as rclone -P shows it: files k of N, bytes done of the total the listing
 * announced, percent, rate, ETA, and what the run is waiting for (the request rate limit,
 * a retry's backoff with its reason). On a terminal it is one live status line; anywhere
 * else a `progress` log record every few seconds, never a stream of redraws.
 *
 * It reads two things and changes no domain code to do so: the domain's log records (the
 * sync's plan, each file done, each retry and rate-limit wait, the summary) and the bytes
 * of each body as the domain reads them, at the HTTP transport.
 */
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import { HttpClient, type HttpResponse } from "../domain/http/HttpClient.ts"
import type { LogRecord } from "../domain/logging/logRecord.ts"
import type { CliLog } from "./cliLog.ts"
import { formatBytes, formatDuration } from "./sizes.ts"
import type { Terminal } from "./terminal.ts"

/** A terminal line is redrawn at most this often… */
const REDRAW_EVERY_MS = 100
/** …and a log gets a progress record at most this often. */
export const RECORD_EVERY_MS = 5_000
/** The rate is measured over this much recent time. */
const RATE_WINDOW_MS = 5_000

interface InFlight {
  readonly name: string
}

interface Waiting {
  readonly what: string
  readonly until: number
}

const nameOf = (url: string) => {
  const { pathname, hostname } = new URL(url)
  const last = pathname.split("/").pop() ?? ""
  return last === "" ? `${hostname} listing` : decodeURIComponent(last)
}

/** A body that reports each chunk read, and when it ends (`whole`: read to its end). */
const counted = (
  body: ReadableStream<Uint8Array>,
  onChunk: (bytes: number) => void,
  onEnd: (whole: boolean) => void
): ReadableStream<Uint8Array> => {
  const reader = body.getReader()
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        const { done, value } = await reader.read()
        if (done) {
          onEnd(true)
          controller.close()
          return
        }
        onChunk(value.byteLength)
        controller.enqueue(value)
      } catch (error) {
        onEnd(false)
        controller.error(error)
      }
    },
    cancel(reason) {
      onEnd(false)
      return reader.cancel(reason)
    }
  })
}

const numberField = (record: LogRecord, field: string): number | undefined => {
  const value = record[field]
  return typeof value === "number" && Number.isFinite(value) ? value : undefined
}

interface ProgressFigures {
  readonly files: number
  readonly filesDone: number
  readonly bytes: number
  /** From the listing's sizes; undefined when it gave none. */
  readonly totalBytes: number | undefined
  readonly percent: number | undefined
  /** Undefined until a second of samples says something. */
  readonly bytesPerSecond: number | undefined
  readonly etaMs: number | undefined
  /** What the run is waiting for, if anything. */
  readonly waiting: string | undefined
  readonly current: ReadonlyArray<string>
}

export interface SyncProgress {
  /** Every log record the program writes, before any level filter. */
  readonly observe: (record: LogRecord) => void
  /** Counts the bytes of a response's body as the domain reads it. */
  readonly track: (response: HttpResponse) => HttpResponse
  readonly close: () => void
}

/** `3/12 files · 1.2 MB / 4.7 MB · 26% · 850 KB/s · ETA 4.0 s · pr.data.1.AllData · waiting 1.0 s to retry pr.class (attempt 1 of 6 failed: HTTP 503)` */
const progressLine = (f: ProgressFigures): string =>
  [
    `${f.filesDone}/${f.files} files`,
    `${formatBytes(f.bytes)}${f.totalBytes === undefined ? "" : ` / ${formatBytes(f.totalBytes)}`}`,
    ...(f.percent === undefined ? [] : [`${f.percent}%`]),
    ...(f.bytesPerSecond === undefined ? [] : [`${formatBytes(Math.round(f.bytesPerSecond))}/s`]),
    ...(f.etaMs === undefined ? [] : [`ETA ${formatDuration(f.etaMs)}`]),
    ...(f.current.length === 0 ? [] : [f.current.join(", ")]),
    ...(f.waiting === undefined ? [] : [f.waiting])
  ].join(" · ")

export const makeSyncProgress = (
  terminal: Terminal,
  log: CliLog,
  now: () => number = Date.now
): SyncProgress => {
  const live = terminal.interactive && log.mode.human
  let plan: { readonly files: number; readonly bytes: number | undefined } | undefined
  // A file counts as done when stored (its log record) or, sooner, when its body is read whole.
  let filesStored = 0
  let filesRead = 0
  let bytes = 0
  let waiting: Waiting | undefined
  const inFlight = new Set<InFlight>()
  const samples: Array<readonly [number, number]> = []
  let drawnAt = 0
  let recordedAt = 0

  const rate = () => {
    const t = now()
    while (samples.length > 1 && t - samples[0]![0] > RATE_WINDOW_MS) samples.shift()
    const first = samples[0]
    // Under a second of samples says little: no rate (and so no wild ETA) yet.
    if (first === undefined || t - first[0] < 1000) return undefined
    return ((bytes - first[1]) / (t - first[0])) * 1000
  }

  const figures = (): ProgressFigures | undefined => {
    if (plan === undefined) return undefined
    const t = now()
    const perSecond = rate()
    const total = plan.bytes
    const wait = waiting !== undefined && waiting.until > t ? waiting : undefined
    return {
      files: plan.files,
      filesDone: Math.min(plan.files, Math.max(filesStored, filesRead)),
      bytes,
      totalBytes: total,
      percent: total === undefined || total === 0 ? undefined : Math.min(100, Math.floor((bytes / total) * 100)),
      bytesPerSecond: perSecond,
      etaMs: total === undefined || perSecond === undefined || perSecond <= 0 || bytes >= total ? undefined : ((total - bytes) / perSecond) * 1000,
      waiting: wait === undefined ? undefined : `waiting ${formatDuration(wait.until - t)} ${wait.what}`,
      current: [...inFlight].map((file) => file.name)
    }
  }

  const show = (force: boolean) => {
    // The throttle first: most chunks draw nothing, and need no figures.
    const t = now()
    if (live ? !force && t - drawnAt < REDRAW_EVERY_MS : t - recordedAt < RECORD_EVERY_MS) return
    const f = figures()
    if (f === undefined) return
    if (live) {
      drawnAt = t
      terminal.status(`↓ ${progressLine(f)}`)
    } else {
      recordedAt = t
      log.say("INFO", "progress", progressLine(f), {
        files: f.files,
        filesDone: f.filesDone,
        bytes: f.bytes,
        totalBytes: f.totalBytes,
        percent: f.percent,
        bytesPerSecond: f.bytesPerSecond === undefined ? undefined : Math.round(f.bytesPerSecond),
        etaMs: f.etaMs === undefined ? undefined : Math.round(f.etaMs),
        waiting: f.waiting
      })
    }
  }

  const finish = () => {
    plan = undefined
    waiting = undefined
    inFlight.clear()
    if (live) terminal.status(undefined)
  }

  // Waits and slow bodies change nothing the events see: a clock keeps the line (and the log) current.
  const ticker = setInterval(() => show(true), 1000)
  ;(ticker as { unref?: () => void }).unref?.()

  return {
    observe: (record) => {
      switch (record.event) {
        case "bls-sync.plan": {
          plan = { files: numberField(record, "transfer") ?? 0, bytes: numberField(record, "transferBytes") }
          filesStored = 0
          filesRead = 0
          bytes = 0
          samples.length = 0
          samples.push([now(), 0])
          recordedAt = now()
          return show(true)
        }
        case "bls-sync.file":
          filesStored += 1
          return show(true)
        case "source.retry": {
          // Logged by the retry policy (domain/http/retryPolicy.ts) before each backoff.
          const waitMs = numberField(record, "waitMs") ?? 0
          const attempt = numberField(record, "attempt")
          const of = numberField(record, "of")
          const reason = typeof record["reason"] === "string" ? record["reason"] : "a transient failure"
          const url = typeof record["url"] === "string" ? ` ${nameOf(record["url"])}` : ""
          const failed = attempt === undefined ? reason : `attempt ${attempt}${of === undefined ? "" : ` of ${of}`} failed: ${reason}`
          waiting = { what: `to retry${url} (${failed})`, until: now() + waitMs }
          return show(true)
        }
        case "source.rate-limit": {
          const waitMs = numberField(record, "waitMs") ?? 0
          waiting = { what: "for the request rate limit", until: now() + waitMs }
          return show(false)
        }
        case "bls-sync":
          return finish()
      }
    },
    track: (response) => {
      if (plan === undefined || response.body === null || response.status < 200 || response.status >= 300) return response
      const file: InFlight = { name: nameOf(response.url) }
      inFlight.add(file)
      waiting = undefined
      show(true)
      const body = counted(
        response.body,
        (chunk) => {
          bytes += chunk
          samples.push([now(), bytes])
          show(false)
        },
        (whole) => {
          inFlight.delete(file)
          if (!whole) return
          filesRead += 1
          show(true)
        }
      )
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
