/**
 * Servers that do not answer like BLS's IIS: compressed bodies despite
 * `Accept-Encoding: identity`, and bodies without a Content-Length. Served for real on
 * loopback, since only a real connection makes fetch decode and chunk.
 */
import { createServer, type Server } from "node:http"
import type { AddressInfo } from "node:net"
import { gzipSync } from "node:zlib"
import * as Effect from "effect/Effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { defaultSyncOptions, syncMirror } from "../../domain/bls/syncMirror.ts"
import { getBytes, ObjectStore } from "../../domain/store/ObjectStore.ts"
import { makeMemoryStore } from "../support/memoryStore.ts"
import { failureOf, runWith, valueOf } from "../support/pipelineLayer.ts"
import { blsFixtureFiles } from "../support/upstream/fixtureData.ts"

const files = blsFixtureFiles().filter((f) => ["pr.series", "pr.data.0.Current", "pr.period"].includes(f.name))
let server: Server
let base: string
const seen: Array<{ path: string; acceptEncoding: string | undefined }> = []

beforeAll(async () => {
  server = createServer((request, response) => {
    const path = request.url ?? "/"
    seen.push({ path, acceptEncoding: request.headers["accept-encoding"] })
    if (path === "/pr/") {
      response.setHeader("content-type", "text/html")
      response.end(`<html><body><pre>${files.map((f) => `<a href="${f.name}">${f.name}</a>  04-Jun-2026 08:30  -`).join("\n")}</pre></body></html>`)
      return
    }
    const file = files.find((f) => `/pr/${f.name}` === path)
    if (file === undefined) return void response.writeHead(404).end()
    if (file.name === "pr.data.0.Current") {
      // Compressed whatever the client asked: Content-Length counts the gzip bytes.
      const gzipped = gzipSync(file.bytes)
      response.writeHead(200, { "content-encoding": "gzip", "content-length": String(gzipped.byteLength) })
      response.end(gzipped)
    } else {
      // Chunked: no Content-Length at all.
      response.writeHead(200, { "transfer-encoding": "chunked" })
      response.write(file.bytes.subarray(0, 10))
      response.end(file.bytes.subarray(10))
    }
  })
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/pr/`
})

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())))

describe("a sync from a server that compresses or chunks", () => {
  it("stores the decoded bytes of every file, asking for no encoding", async () => {
    const store = makeMemoryStore()
    const summary = valueOf(await runWith(syncMirror({ ...defaultSyncOptions, baseUrl: base }), store))
    expect(summary.added).toBe(files.length)
    for (const file of files) {
      const stored = await Effect.runPromise(getBytes(`bls/pr/${file.name}`).pipe(Effect.provideService(ObjectStore, store)))
      expect(stored?.bytes.byteLength).toBe(file.bytes.byteLength)
      expect(Buffer.from(stored!.bytes).equals(Buffer.from(file.bytes))).toBe(true)
    }
    expect(seen.filter((s) => s.path !== "/pr/").every((s) => s.acceptEncoding === "identity")).toBe(true)
  })

  it("refuses a body of unknown size beyond the in-memory limit, keeping nothing of it", async () => {
    const store = makeMemoryStore()
    const exit = await runWith(syncMirror({ ...defaultSyncOptions, baseUrl: base, spoolLimitBytes: 100 }), store)
    const error = failureOf(exit)
    expect(error._tag).toBe("SyncIncomplete")
    const failures = error._tag === "SyncIncomplete" ? error.failures : []
    expect(failures.find((f) => f.name === "pr.series")?.message).toMatch(/sent more than 100 bytes/)
    expect((await Effect.runPromise(store.list(""))).map((o) => o.key)).not.toContain("bls/pr/pr.series")
  })
})
