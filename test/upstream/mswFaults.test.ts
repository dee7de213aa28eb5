import { ofetch } from "ofetch"
import { describe, expect, it } from "vitest"
import { delay, dropMidBody, shortBody, status } from "../support/upstream/faults.ts"
import { useUpstream } from "../support/upstream/vitest.ts"
import { CONTACT_UA, digest, readBody } from "./readBody.ts"

const upstream = useUpstream()
const SERIES = "https://download.bls.gov/pub/time.series/pr/pr.series"
const CURRENT = "https://download.bls.gov/pub/time.series/pr/pr.data.0.Current"
const headers = { "user-agent": CONTACT_UA }
const sizeOf = (name: string) => upstream.bls.file(name)?.bytes.byteLength ?? 0

describe("faults on demand, through msw", () => {
  it("answers queued statuses in order, then the file", async () => {
    upstream.failNext("pr.series", [status(503), status(429, { retryAfter: 7 })])
    const first = await fetch(SERIES, { headers })
    const second = await fetch(SERIES, { headers })
    const third = await fetch(SERIES, { headers })
    expect([first.status, second.status, third.status]).toEqual([503, 429, 200])
    expect(second.headers.get("retry-after")).toBe("7")
    expect((await third.arrayBuffer()).byteLength).toBe(sizeOf("pr.series"))
    expect(upstream.log.entries({ path: "pr.series" }).map((e) => e.fault)).toEqual(["status", "status", undefined])
  })

  it("leaves other files alone", async () => {
    upstream.failNext("pr.series", [status(503)])
    expect((await fetch(CURRENT, { headers })).status).toBe(200)
    expect((await fetch(SERIES, { headers })).status).toBe(503)
  })

  it("fails a fetch body mid-way after the given bytes (a dropped connection)", async () => {
    upstream.failNext("pr.data.0.Current", [dropMidBody(100_000)])
    const response = await fetch(CURRENT, { headers })
    expect(response.status).toBe(200)
    expect(response.headers.get("content-length")).toBe(String(sizeOf("pr.data.0.Current")))
    const { bytes, error } = await readBody(response.body)
    expect(error).toBeInstanceOf(Error)
    expect(bytes.byteLength).toBe(100_000)
    expect(upstream.log.bytesSent({ path: "pr.data.0.Current" })).toBe(100_000)
  })

  it("sends a short body under the full Content-Length, which fetch reports as an error", async () => {
    upstream.failNext("pr.data.0.Current", [shortBody(1000)])
    const response = await fetch(CURRENT, { headers })
    expect(response.headers.get("content-length")).toBe(String(sizeOf("pr.data.0.Current")))
    const { bytes, error } = await readBody(response.body)
    expect(error).toBeInstanceOf(Error)
    expect(bytes.byteLength).toBe(1000)
  })

  it("delays an answer, and gives up with the caller", async () => {
    upstream.failNext("pr.series", [delay(150), delay(10_000)])
    const started = Date.now()
    expect((await fetch(SERIES, { headers })).status).toBe(200)
    expect(Date.now() - started).toBeGreaterThanOrEqual(140)
    // A held controller: AbortSignal.timeout's timer holds its signal only weakly (see fixtureServer.test.ts).
    const giveUp = new AbortController()
    const timer = setTimeout(() => giveUp.abort(), 50)
    await expect(fetch(SERIES, { headers, signal: giveUp.signal })).rejects.toThrow()
    clearTimeout(timer)
    expect(upstream.log.entries({ path: "pr.series" }).map((e) => e.status)).toEqual([200, 0])
  })

  it("reaches ofetch's streamed bodies too, errors included", async () => {
    upstream.failNext("pr.data.0.Current", [dropMidBody(70_000)])
    const dropped = await ofetch.raw(CURRENT, { headers, responseType: "stream" })
    const { bytes, error } = await readBody(dropped._data ?? null)
    expect(error).toBeInstanceOf(Error)
    expect(bytes.byteLength).toBe(70_000)

    const whole = await ofetch.raw(CURRENT, { headers, responseType: "stream" })
    expect(digest((await readBody(whole._data ?? null)).bytes)).toBe(digest(upstream.bls.file("pr.data.0.Current")?.bytes))
  })

  it("lets ofetch's own retry consume a queued 503", async () => {
    upstream.failNext("pr.series", [status(503)])
    const text = await ofetch(SERIES, { headers, responseType: "text", retry: 1, retryDelay: 0 })
    expect(text.length).toBe(sizeOf("pr.series"))
    expect(upstream.log.count({ path: "pr.series" })).toBe(2)
  })

  it("starts every test from a clean state", () => {
    expect(upstream.log.count()).toBe(0)
  })
})
