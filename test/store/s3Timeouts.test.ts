/**
 * An S3 endpoint that accepts a connection and never answers fails the store call within
 * the client's request timeout (retried by the SDK) instead of hanging the run.
 */
import { createServer, type Socket } from "node:net"
import * as Effect from "effect/Effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { makeS3Store, S3_TIMEOUTS, s3ClientFromEnv } from "../../adapters/s3Store.ts"

describe("an S3 endpoint that never answers", () => {
  const sockets: Array<Socket> = []
  const server = createServer((socket) => void sockets.push(socket))
  let endpoint = ""
  let connections = 0
  beforeAll(async () => {
    server.on("connection", () => void (connections += 1))
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))
    endpoint = `http://127.0.0.1:${(server.address() as { port: number }).port}`
  })
  afterAll(() => {
    for (const socket of sockets) socket.destroy()
    server.close()
  })

  it("has bounded timeouts by default", () => {
    expect(S3_TIMEOUTS.socketTimeout).toBeLessThanOrEqual(60_000)
    expect(S3_TIMEOUTS.connectionTimeout).toBeLessThanOrEqual(10_000)
    expect(S3_TIMEOUTS.throwOnRequestTimeout).toBe(true)
  })

  it("fails the call after the idle timeout on every attempt, saying the endpoint could not be reached", async () => {
    const client = s3ClientFromEnv({
      endpoint,
      region: "us-east-1",
      forcePathStyle: true,
      credentials: { accessKeyId: "test", secretAccessKey: "test" },
      requestHandler: { ...S3_TIMEOUTS, socketTimeout: 300 }
    })
    const store = makeS3Store({ bucket: "quest-silent", client })
    const started = Date.now()
    const error = await Effect.runPromise(Effect.flip(store.list("bls/pr/")))
    const elapsed = Date.now() - started
    expect(error.message).toMatch(/the S3 endpoint could not be reached/)
    expect(connections).toBe(3)
    expect(elapsed).toBeGreaterThanOrEqual(900)
    expect(elapsed).toBeLessThan(10_000)
  })
})
