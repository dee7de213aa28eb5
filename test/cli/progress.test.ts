/**
 * Sync progress as a person and a log see it: the live line on a terminal (files k of N,
 * bytes of the listed total, percent, rate, ETA, what it waits for) and, off a terminal, a
 * `progress` record every few seconds — driven by the records the sync really logs and by
 * bodies read through the transport, on a clock the test moves.
 */
import { describe, expect, it } from "vitest"
import { makeSyncProgress, RECORD_EVERY_MS } from "../../cli/progress.ts"
import { makeCliLog, type Terminal } from "../../cli/terminal.ts"
import type { HttpResponse } from "../../domain/http/HttpClient.ts"
import type { LogRecord } from "../../domain/logging/logRecord.ts"

const fakeTerminal = (interactive: boolean) => {
  const err: Array<string> = []
  const status: Array<string | undefined> = []
  const terminal: Terminal = {
    interactive,
    out: () => {},
    err: (text) => void err.push(text),
    status: (line) => void status.push(line)
  }
  return { terminal, err, status }
}

const record = (event: string, fields: Record<string, unknown> = {}): LogRecord => ({
  time: new Date(0).toISOString(),
  level: "DEBUG",
  event,
  message: event,
  ...fields
})

const response = (name: string, bytes: number): { response: HttpResponse; send: (n: number) => void; end: () => void } => {
  let controller!: ReadableStreamDefaultController<Uint8Array>
  const body = new ReadableStream<Uint8Array>({ start: (c) => void (controller = c) })
  return {
    response: {
      url: `https://download.bls.gov/pub/time.series/pr/${name}`,
      status: 200,
      headers: new Headers({ "content-length": String(bytes) }),
      body
    },
    send: (n) => controller.enqueue(new Uint8Array(n)),
    end: () => controller.close()
  }
}

/** Reads a tracked body to its end, as the domain would. */
const drain = async (tracked: HttpResponse) => {
  const reader = tracked.body!.getReader()
  while (!(await reader.read()).done) { /* counting happens as it is read */ }
}

describe("sync progress on a terminal", () => {
  it("shows files k of N, bytes of the listed total, percent, rate, ETA and the file in flight", async () => {
    let now = 0
    const { terminal, status } = fakeTerminal(true)
    const progress = makeSyncProgress(terminal, makeCliLog({ human: true, verbose: false }, terminal), () => now)
    progress.observe(record("bls-sync.plan", { transfer: 4, transferBytes: 4_000_000 }))
    // No rate before a second of it has been seen: never "0 B/s" at the start.
    expect(status.at(-1)).toBe("↓ 0/4 files · 0 B / 4.0 MB · 0%")

    const body = response("pr.data.1.AllData", 2_000_000)
    const tracked = progress.track(body.response)
    const read = drain(tracked)
    now = 1000
    body.send(1_000_000)
    await new Promise((resolve) => setTimeout(resolve, 0))
    now = 2000
    body.send(1_000_000)
    await new Promise((resolve) => setTimeout(resolve, 0))
    expect(status.at(-1)).toBe("↓ 0/4 files · 2.0 MB / 4.0 MB · 50% · 1.0 MB/s · ETA 2.0 s · pr.data.1.AllData")
    body.end()
    await read
    // Read whole, the file counts as done before it is stored, and once more only if stored.
    expect(status.at(-1)).toMatch(/^↓ 1\/4 files · 2\.0 MB \/ 4\.0 MB · 50% /)
    progress.observe(record("bls-sync.file", { name: "pr.data.1.AllData", result: "added" }))
    expect(status.at(-1)).toMatch(/^↓ 1\/4 files · 2\.0 MB \/ 4\.0 MB · 50% /)
    progress.close()
  })

  it("says what it waits for: a retry's backoff with its reason, then the rate limit", () => {
    let now = 0
    const { terminal, status } = fakeTerminal(true)
    const progress = makeSyncProgress(terminal, makeCliLog({ human: true, verbose: false }, terminal), () => now)
    progress.observe(record("bls-sync.plan", { transfer: 2, transferBytes: 100 }))
    progress.observe(record("source.retry", {
      url: "https://download.bls.gov/pub/time.series/pr/pr.class",
      attempt: 1,
      of: 6,
      reason: "HTTP 503",
      waitMs: 2500
    }))
    expect(status.at(-1)).toMatch(/ · waiting 2\.5 s to retry pr\.class \(attempt 1 of 6 failed: HTTP 503\)$/)
    now = 3000
    progress.observe(record("source.rate-limit", { waitMs: 400 }))
    // A wait that is over no longer shows; the new one does.
    expect(status.at(-1)).toMatch(/ · waiting 400 ms for the request rate limit$/)
    progress.observe(record("bls-sync", { outcome: "failed" }))
    expect(status.at(-1)).toBeUndefined()
    progress.close()
  })
})

describe("sync progress off a terminal", () => {
  it("is a progress record every few seconds, never a redraw", async () => {
    let now = 0
    const { terminal, err, status } = fakeTerminal(false)
    const progress = makeSyncProgress(terminal, makeCliLog({ human: false, verbose: false }, terminal), () => now)
    progress.observe(record("bls-sync.plan", { transfer: 3, transferBytes: 3000 }))
    const body = response("pr.series", 3000)
    const read = drain(progress.track(body.response))
    for (let t = 1; t <= 12; t++) {
      now = t * 1000
      body.send(100)
      await new Promise((resolve) => setTimeout(resolve, 0))
    }
    body.end()
    await read
    progress.close()
    expect(status).toEqual([])
    const records = err.map((line) => JSON.parse(line) as Record<string, unknown>)
    expect(records.map((r) => r["event"])).toEqual(["progress", "progress"])
    expect(records.map((r) => r["time"] !== undefined)).toEqual([true, true])
    expect(records[0]).toMatchObject({ level: "INFO", files: 3, filesDone: 0, bytes: 500, totalBytes: 3000, percent: 16 })
    expect(records[1]).toMatchObject({ bytes: 1000, percent: 33, bytesPerSecond: 100, etaMs: 20_000 })
    expect(RECORD_EVERY_MS).toBe(5000)
  })
})
