/**
 * The fake upstreams behind msw, for tests and the CLI's `--offline` mode: requests to
 * the faked hosts go to the virtual upstream; loopback requests (moto, the local fixture
 * server) pass through; anything else is an error, so nothing reaches the internet.
 */
import { http, passthrough, type AnyHandler } from "msw"
import { setupServer, type SetupServer } from "msw/node"
import { createUpstream, type VirtualUpstream } from "./virtualUpstream.ts"

const isLoopback = (url: URL) => ["127.0.0.1", "localhost", "[::1]"].includes(url.hostname)

export const upstreamHandlers = (upstream: VirtualUpstream): Array<AnyHandler> => [
  http.all(({ request }) => isLoopback(new URL(request.url)), () => passthrough()),
  http.all(({ request }) => upstream.serves(request.url), ({ request }) => upstream.handle(request)),
]

export interface MswUpstream {
  readonly upstream: VirtualUpstream
  readonly server: SetupServer
  readonly close: () => void
}

/** Starts intercepting now (outside vitest: the CLI's `--offline`); `close` stops. */
export const startMswUpstream = (upstream: VirtualUpstream = createUpstream()): MswUpstream => {
  const server = setupServer(...upstreamHandlers(upstream))
  server.listen({ onUnhandledFrame: "error" })
  return { upstream, server, close: () => server.close() }
}
