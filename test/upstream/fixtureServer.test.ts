import { spawn } from "node:child_process"
import { fileURLToPath } from "node:url"
import { ofetch } from "ofetch"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { startFixtureServer, type FixtureServer } from "../support/fixtureServer.ts"
import { delay, dropMidBody, shortBody, status } from "../support/upstream/faults.ts"
import { useUpstream } from "../support/upstream/vitest.ts"
import { CONTACT_UA, digest, readBody } from "./readBody.ts"

// msw is on in this file too: loopback requests must pass through it to the real server.
const upstream = useUpstream()
let server: FixtureServer
beforeAll(async () => {
  server = await startFixtureServer(upstream)
})
afterAll(() => server.close())

const headers = { "user-agent": CONTACT_UA }
const bytesOf = async (url: string, init: RequestInit = { headers }) => {
  const response = await fetch(url, init)
  return { response, bytes: new Uint8Array(await response.arrayBuffer()) }
}

describe("the local fixture server", () => {
  it("names its URLs on 127.0.0.1 with the real paths", () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
    expect(server.blsBaseUrl).toBe(`${server.url}/pub/time.series/pr/`)
    expect(server.populationUrl).toBe(`${server.url}/tesseract/data.jsonrecords${new URL(upstream.population.url).search}`)
    expect(server.legacyPopulationUrl).toBe(`${server.url}/api/data?drilldowns=Nation&measures=Population`)
  })

  it("serves the same bytes and validators as msw, listing and files alike", async () => {
    const pairs = [
      [upstream.bls.baseUrl, server.blsBaseUrl],
      ...upstream.bls.files().map((f) => [upstream.bls.baseUrl + f.name, server.blsBaseUrl + f.name]),
      [upstream.population.url, server.populationUrl],
      [upstream.population.legacyUrl, server.legacyPopulationUrl],
    ] as const
    for (const [viaMsw, viaServer] of pairs) {
      const a = await bytesOf(viaMsw)
      const b = await bytesOf(viaServer)
      expect(b.response.status).toBe(200)
      expect(digest(b.bytes)).toBe(digest(a.bytes))
      for (const h of ["content-length", "etag", "last-modified", "content-type"]) {
        expect(b.response.headers.get(h)).toBe(a.response.headers.get(h))
      }
    }
    expect(upstream.log.count({ route: "bls-file" })).toBe(2 * upstream.bls.files().length)
  })

  it("lists links that resolve to its own files", async () => {
    const page = await (await fetch(server.blsBaseUrl, { headers })).text()
    const hrefs = [...page.matchAll(/HREF="([^"]+)"/g)].map((m) => m[1] ?? "").slice(1)
    expect(hrefs).toHaveLength(upstream.bls.files().length)
    for (const href of hrefs) {
      const { response, bytes } = await bytesOf(new URL(href, server.blsBaseUrl).href)
      expect(response.status).toBe(200)
      expect(bytes.byteLength).toBe(Number(response.headers.get("content-length")))
    }
  })

  it("answers 304, 403 and 404 as BLS does", async () => {
    const etag = (await fetch(server.blsBaseUrl + "pr.series", { headers })).headers.get("etag") ?? ""
    expect((await fetch(server.blsBaseUrl + "pr.series", { headers: { ...headers, "if-none-match": etag } })).status).toBe(304)
    expect((await fetch(server.blsBaseUrl + "pr.series", { headers: { "user-agent": "curl/8" } })).status).toBe(403)
    expect((await fetch(server.blsBaseUrl + "pr.nothing", { headers })).status).toBe(404)
    expect((await fetch(server.blsBaseUrl + "pr.series", { method: "HEAD", headers })).headers.get("content-length")).toBe("10206")
  })

  it("plays status faults, including Retry-After", async () => {
    upstream.failNext("pr.series", [status(429, { retryAfter: 3 }), status(503)])
    const limited = await fetch(server.blsBaseUrl + "pr.series", { headers })
    expect([limited.status, limited.headers.get("retry-after")]).toEqual([429, "3"])
    expect((await fetch(server.blsBaseUrl + "pr.series", { headers })).status).toBe(503)
    expect((await fetch(server.blsBaseUrl + "pr.series", { headers })).status).toBe(200)
  })

  it.each([
    ["a dropped connection", dropMidBody(200_000)],
    ["a short body", shortBody(200_000)],
  ])("turns %s into a body error for fetch and ofetch, after the bytes sent", async (_, fault) => {
    const url = server.blsBaseUrl + "pr.data.0.Current"
    upstream.failNext("pr.data.0.Current", [fault, fault])
    const viaFetch = await readBody((await fetch(url, { headers })).body)
    expect(viaFetch.error).toBeInstanceOf(Error)
    expect(viaFetch.bytes.byteLength).toBe(200_000)
    const viaOfetch = await readBody((await ofetch.raw(url, { headers, responseType: "stream" }))._data ?? null)
    expect(viaOfetch.error).toBeInstanceOf(Error)
    expect(viaOfetch.bytes.byteLength).toBe(200_000)
    // The connection is gone, not poisoned: the next request gets the whole file.
    expect(digest((await bytesOf(url)).bytes)).toBe(digest(upstream.bls.file("pr.data.0.Current")?.bytes))
  })

  it("delays an answer, and lets a client time out", async () => {
    upstream.failNext("pr.class", [delay(5_000)])
    const started = Date.now()
    // A controller held here, not AbortSignal.timeout, whose timer holds its signal only
    // weakly: once, under load, it never fired and the fetch waited out the 5 s delay.
    const giveUp = new AbortController()
    const timer = setTimeout(() => giveUp.abort(), 100)
    await expect(fetch(server.blsBaseUrl + "pr.class", { headers, signal: giveUp.signal })).rejects.toThrow()
    clearTimeout(timer)
    expect(Date.now() - started).toBeLessThan(2_000)
    expect((await fetch(server.blsBaseUrl + "pr.class", { headers })).status).toBe(200)
    expect(upstream.log.entries({ path: "pr.class" }).map((e) => e.fault)).toEqual(["delay", undefined])
  })
})

describe("the fixture server run as a command", () => {
  it("prints its URLs and serves until stopped", async () => {
    const child = spawn(process.execPath, [fileURLToPath(new URL("../support/fixtureServer.ts", import.meta.url))], {
      stdio: ["ignore", "pipe", "pipe"],
    })
    try {
      const firstLine = await new Promise<string>((resolve, reject) => {
        child.stdout.setEncoding("utf8")
        child.stdout.once("data", (chunk: string) => resolve(chunk))
        child.once("exit", (code) => reject(new Error(`exited with ${code}`)))
      })
      const baseUrl = /BLS directory:\s+(\S+)/.exec(firstLine)?.[1] ?? ""
      expect(baseUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/pub\/time\.series\/pr\/$/)
      const page = await (await fetch(baseUrl, { headers })).text()
      expect(page).toContain(`HREF="/pub/time.series/pr/pr.data.0.Current"`)
    } finally {
      child.kill("SIGTERM")
    }
  })
})
