import { describe, expect, it } from "vitest"
import { status } from "../support/upstream/faults.ts"
import { createUpstream } from "../support/upstream/virtualUpstream.ts"
import { useUpstream } from "../support/upstream/vitest.ts"
import { CONTACT_UA } from "./readBody.ts"

const upstream = useUpstream()
const BASE = "https://download.bls.gov/pub/time.series/pr/"
const headers = { "user-agent": CONTACT_UA }

describe("the request log", () => {
  it("records each request with its headers, answer and body bytes", async () => {
    const first = await fetch(BASE + "pr.series", { headers })
    await first.arrayBuffer()
    const etag = first.headers.get("etag") ?? ""
    await fetch(BASE + "pr.series", { headers: { ...headers, "if-none-match": etag } })
    await fetch(BASE + "pr.series", { method: "HEAD", headers: { "user-agent": "curl/8" } })

    expect(upstream.log.entries()).toEqual([
      expect.objectContaining({ method: "GET", route: "bls-file", userAgent: CONTACT_UA, ifNoneMatch: null, status: 200, bytesSent: 10206 }),
      expect.objectContaining({ method: "GET", ifNoneMatch: etag, status: 304, bytesSent: 0 }),
      expect.objectContaining({ method: "HEAD", userAgent: "curl/8", status: 403 }),
    ])
  })

  it("counts by file name, path, URL, route, method and status", async () => {
    upstream.failNext(BASE, [status(503)])
    for (const url of [BASE, BASE, BASE + "pr.class", BASE + "pr.txt", upstream.population.url]) {
      await (await fetch(url, { headers })).arrayBuffer()
    }
    expect(upstream.log.count()).toBe(5)
    expect(upstream.log.count({ path: BASE })).toBe(2)
    expect(upstream.log.count({ path: "/pub/time.series/pr/" })).toBe(2)
    expect(upstream.log.count({ route: "bls-listing", status: 200 })).toBe(1)
    expect(upstream.log.count({ path: "pr.class" })).toBe(1)
    expect(upstream.log.count({ route: "bls-file" })).toBe(2)
    expect(upstream.log.count({ route: "population" })).toBe(1)
    expect(upstream.log.count({ method: "head" })).toBe(0)
    expect(upstream.log.bytesSent({ route: "bls-file" })).toBe(62 + 60)
    upstream.log.clear()
    expect(upstream.log.count()).toBe(0)
  })

  it("counts only the body bytes a client took", async () => {
    // On the core directly: msw's own buffering would make the number racy.
    const core = createUpstream()
    const response = await core.handle(new Request(BASE + "pr.data.1.AllData", { headers }))
    const reader = response.body?.getReader()
    const first = await reader?.read()
    await reader?.cancel()
    expect(core.log.bytesSent({ path: "pr.data.1.AllData" })).toBe(first?.value?.byteLength)
    expect(first?.value?.byteLength).toBeLessThan(core.bls.file("pr.data.1.AllData")?.bytes.byteLength ?? 0)
  })

  it("makes msw refuse hosts it does not fake, in words and without its print-out", async () => {
    const refused = await fetch("https://example.com/")
    expect(refused.status).toBe(421)
    expect(refused.statusText).toBe("the fake upstreams serve BLS, DataUSA and loopback only")
  })
})
