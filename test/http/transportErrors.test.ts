/**
 * Errors that say what really happened, over real sockets (no msw): the system error at
 * the root of a failed request reaches the message; what cannot heal (an unknown host, a
 * refused certificate) is not retried; what can (a refused connection) is retried with a
 * WARN record per retry. Also the bounds and redirects of the transport over real HTTP,
 * against the fixture server.
 */
import { execFileSync } from "node:child_process"
import { mkdtempSync, readFileSync } from "node:fs"
import { createServer as createHttpsServer } from "node:https"
import { createServer, type Server } from "node:net"
import { tmpdir } from "node:os"
import { join } from "node:path"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Logger from "effect/Logger"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { ofetchHttpLayer } from "../../adapters/ofetchHttp.ts"
import { defaultSyncOptions, syncMirror } from "../../domain/bls/syncMirror.ts"
import { SourceHttp, sourceHttpLayer } from "../../domain/http/SourceHttp.ts"
import { ObjectStore } from "../../domain/store/ObjectStore.ts"
import { startFixtureServer, type FixtureServer } from "../support/fixtureServer.ts"
import { makeMemoryStore } from "../support/memoryStore.ts"
import { failureOf, testPolicy, valueOf } from "../support/pipelineLayer.ts"
import { createUpstream } from "../support/upstream/index.ts"
import { redirect, stall } from "../support/upstream/faults.ts"

const records: Array<Record<string, unknown>> = []
const capture = Logger.layer([Logger.make(({ message }) => {
  const parts = Array.isArray(message) ? message : [message]
  for (const part of parts) if (typeof part === "object" && part !== null) records.push(part as Record<string, unknown>)
})])

/** One getBytes through the production transport and policy. */
const get = async (url: string, policy: Partial<typeof testPolicy> = {}) => {
  records.length = 0
  const exit = await Effect.runPromiseExit(
    Effect.flatMap(SourceHttp, (source) => source.getBytes(url, 1_000_000)).pipe(
      Effect.provide(sourceHttpLayer({ ...testPolicy, ...policy }).pipe(Layer.provide(ofetchHttpLayer))),
      Effect.provide(capture)
    )
  )
  return { exit, retries: records.filter((r) => r["event"] === "source.retry") }
}

describe("a host that does not exist", () => {
  it("fails at once with the DNS error, without retrying", async () => {
    const { exit, retries } = await get("http://quest-no-such-host.invalid/pub/")
    const error = failureOf(exit)
    expect(error._tag).toBe("SourceUnreachable")
    expect(error.message).toMatch(/^Could not reach http:\/\/quest-no-such-host\.invalid\/pub\/: the host name is not known \(DNS\) \(ENOTFOUND: getaddrinfo ENOTFOUND quest-no-such-host\.invalid\)\. Not retried/)
    expect(error.message).not.toMatch(/overloaded/)
    expect(retries).toEqual([])
  })
})

describe("a refused connection", () => {
  let closedPort = 0
  beforeAll(async () => {
    const server: Server = createServer()
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))
    closedPort = (server.address() as { port: number }).port
    await new Promise<void>((resolve) => server.close(() => resolve()))
  })

  it("is retried, each retry logged, and the final message names the refusal", async () => {
    const { exit, retries } = await get(`http://127.0.0.1:${closedPort}/`)
    const error = failureOf(exit)
    expect(error._tag).toBe("SourceUnavailable")
    expect(error.message).toMatch(/kept failing after 4 attempts \(last: connect ECONNREFUSED 127\.0\.0\.1:\d+\)\. Nothing was changed/)
    expect(retries.map((r) => [r["attempt"], r["of"]])).toEqual([[1, 4], [2, 4], [3, 4]])
    expect(retries[0]).toMatchObject({ reason: expect.stringMatching(/ECONNREFUSED/), waitMs: expect.any(Number) })
  })
})

describe("a certificate the runtime does not trust", () => {
  let server: ReturnType<typeof createHttpsServer>
  let url = ""
  beforeAll(async () => {
    const dir = mkdtempSync(join(tmpdir(), "quest-tls-"))
    execFileSync("openssl", [
      "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1",
      "-keyout", join(dir, "key.pem"), "-out", join(dir, "cert.pem")
    ], { stdio: "ignore" })
    server = createHttpsServer(
      { key: readFileSync(join(dir, "key.pem")), cert: readFileSync(join(dir, "cert.pem")) },
      (_req, res) => res.end("hello")
    )
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))
    url = `https://127.0.0.1:${(server.address() as { port: number }).port}/`
  })
  afterAll(() => server.close())

  it("is refused once, naming the certificate error", async () => {
    const { exit, retries } = await get(url)
    const error = failureOf(exit)
    expect(error._tag).toBe("SourceUnreachable")
    expect(error.message).toMatch(/TLS certificate .* \(DEPTH_ZERO_SELF_SIGNED_CERT: self[- ]signed certificate[^)]*\)\. Not retried/)
    expect(retries).toEqual([])
  })
})

describe("over real HTTP (the fixture server)", () => {
  const upstream = createUpstream()
  let server: FixtureServer
  beforeAll(async () => {
    server = await startFixtureServer(upstream)
  })
  afterAll(() => server.close())

  const sync = (store = makeMemoryStore(), policy: Partial<typeof testPolicy> = {}) =>
    Effect.runPromiseExit(
      syncMirror({ ...defaultSyncOptions, baseUrl: server.blsBaseUrl }).pipe(
        Effect.provide(Layer.mergeAll(
          Layer.succeed(ObjectStore, store),
          sourceHttpLayer({ ...testPolicy, ...policy }).pipe(Layer.provide(ofetchHttpLayer))
        )),
        Effect.provide(capture)
      )
    )

  // Without the bound, Node would wait 5 minutes for the body: the test's timeout is the hang guard.
  it("a stalled body is retried after the idle timeout", async () => {
    upstream.log.clear()
    upstream.failNext("pr.data.0.Current", [stall(200_000)])
    // 2 s: short beside the 200 s stall, long enough for a healthy attempt on a loaded machine.
    valueOf(await sync(makeMemoryStore(), { timeoutMs: 2_000 }))
    expect(upstream.log.entries({ path: "pr.data.0.Current" }).map((e) => e.fault)).toEqual(["stall", undefined])
  }, 20_000)

  it("a redirect to another host is refused", async () => {
    upstream.failNext("pr.class", [redirect("http://example.com/pr.class")])
    const error = failureOf(await sync())
    expect(error.message).toMatch(/pr\.class redirected to http:\/\/example\.com\/pr\.class, which leaves http:\/\/127\.0\.0\.1:\d+/)
  })
})
