import { describe, expect, it } from "vitest"
import { createUpstream } from "../support/upstream/virtualUpstream.ts"
import { CONTACT_UA } from "./readBody.ts"

const BASE = "https://download.bls.gov/pub/time.series/pr/"

const get = (upstream: ReturnType<typeof createUpstream>, name: string, headers: Record<string, string> = {}, method = "GET") =>
  upstream.handle(new Request(BASE + name, { method, headers: { "user-agent": CONTACT_UA, ...headers } }))

describe("the fake BLS file downloads", () => {
  it("serve the fixture bytes with Content-Length, a quoted ETag and Last-Modified in GMT", async () => {
    const upstream = createUpstream()
    const response = await get(upstream, "pr.series")
    const bytes = new Uint8Array(await response.arrayBuffer())
    expect(response.status).toBe(200)
    expect(bytes).toEqual(upstream.bls.file("pr.series")?.bytes)
    expect(response.headers.get("content-length")).toBe(String(bytes.byteLength))
    expect(response.headers.get("etag")).toMatch(/^"[^"]+"$/)
    // The listing says 6/4/2026 8:30 AM, Eastern (daylight) time.
    expect(response.headers.get("last-modified")).toBe("Thu, 04 Jun 2026 12:30:00 GMT")
  })

  it("answer HEAD with the same headers and no body", async () => {
    const upstream = createUpstream()
    const head = await get(upstream, "pr.data.0.Current", {}, "HEAD")
    const full = await get(upstream, "pr.data.0.Current")
    expect(head.status).toBe(200)
    expect(head.body).toBeNull()
    for (const h of ["content-length", "etag", "last-modified"]) expect(head.headers.get(h)).toBe(full.headers.get(h))
  })

  it("keep an ETag while bytes and date stay, and change it when either changes", async () => {
    const upstream = createUpstream()
    const etag = async () => (await get(upstream, "pr.period")).headers.get("etag")
    const original = await etag()
    expect(await etag()).toBe(original)
    expect(createUpstream().bls.file("pr.period")?.etag).toBe(original)

    const bytes = upstream.bls.file("pr.period")?.bytes ?? new Uint8Array()
    const modified = upstream.bls.file("pr.period")?.modified ?? new Date()
    upstream.bls.put("pr.period", new Uint8Array([...bytes, 10]), modified)
    const afterContent = await etag()
    expect(afterContent).not.toBe(original)
    upstream.bls.touch("pr.period")
    expect(await etag()).not.toBe(afterContent)
  })

  it("answer 304 to a matching If-None-Match, and 200 to a stale one", async () => {
    const upstream = createUpstream()
    const etag = (await get(upstream, "pr.series")).headers.get("etag") ?? ""
    const cached = await get(upstream, "pr.series", { "if-none-match": etag })
    expect(cached.status).toBe(304)
    expect(cached.body).toBeNull()
    expect(cached.headers.get("etag")).toBe(etag)
    expect((await get(upstream, "pr.series", { "if-none-match": `W/${etag}, "other"` })).status).toBe(304)

    upstream.bls.put("pr.series", "changed\n")
    const fresh = await get(upstream, "pr.series", { "if-none-match": etag })
    expect(fresh.status).toBe(200)
    expect(await fresh.text()).toBe("changed\n")
  })

  it("answer 304 when not modified since the given date, 200 when modified after it", async () => {
    const upstream = createUpstream()
    const lastModified = (await get(upstream, "pr.series")).headers.get("last-modified") ?? ""
    expect((await get(upstream, "pr.series", { "if-modified-since": lastModified })).status).toBe(304)
    const earlier = new Date(Date.parse(lastModified) - 1000).toUTCString()
    expect((await get(upstream, "pr.series", { "if-modified-since": earlier })).status).toBe(200)
    // If-None-Match decides alone when both are sent.
    expect((await get(upstream, "pr.series", { "if-none-match": '"stale"', "if-modified-since": lastModified })).status).toBe(200)
  })

  it("refuse a User-Agent without contact information with a short 403 page, like BLS", async () => {
    const upstream = createUpstream()
    for (const ua of ["", "node", "Mozilla/5.0 (X11; Linux x86_64)", "quest/1.0 (not-an-email)"]) {
      const response = await upstream.handle(new Request(BASE + "pr.series", { headers: { "user-agent": ua } }))
      expect(response.status).toBe(403)
      expect(await response.text()).toContain("Access Denied")
    }
    const listing = await upstream.handle(new Request(BASE, { headers: { "user-agent": "curl/8" } }))
    expect(listing.status).toBe(403)
    for (const ua of ["quest/1.0 (ops@example.com)", "quest/1.0 (+https://example.com/contact)"]) {
      expect((await upstream.handle(new Request(BASE + "pr.series", { headers: { "user-agent": ua } }))).status).toBe(200)
    }
  })

  it("answer 404 for unknown, removed and nested names", async () => {
    const upstream = createUpstream()
    upstream.bls.remove("pr.txt")
    for (const name of ["pr.nothing", "pr.txt", "sub/pr.series"]) expect((await get(upstream, name)).status).toBe(404)
  })

  it("serve an added file, and start again from the fixtures after reset", async () => {
    const upstream = createUpstream()
    upstream.bls.put("pr.new", "new file\n")
    expect(await (await get(upstream, "pr.new")).text()).toBe("new file\n")
    upstream.reset()
    expect((await get(upstream, "pr.new")).status).toBe(404)
  })
})
