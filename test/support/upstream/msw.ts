/**
 * The fake upstreams behind msw, for tests and the CLI's `--offline` mode: requests to
 * the faked hosts go to the virtual upstream; loopback requests (moto, the local fixture
 * server) pass through; anything else is an error, so nothing reaches the internet.
 */
import { FetchInterceptor } from "@mswjs/interceptors/fetch/web"
// Not the "msw" root: it opens a BroadcastChannel (for WebSocket mocks) that keeps Deno from exiting.
import type { AnyHandler } from "msw"
import { defineNetwork, InterceptorSource } from "msw/experimental"
import { http } from "msw/http"
import { setupServer } from "msw/node"
import { passthrough } from "msw/utils/passthrough"
import { createUpstream, type VirtualUpstream } from "./virtualUpstream.ts"

const isLoopback = (url: URL) => ["127.0.0.1", "localhost", "[::1]"].includes(url.hostname)

export const upstreamHandlers = (upstream: VirtualUpstream): Array<AnyHandler> => [
  http.all(({ request }) => isLoopback(new URL(request.url)), () => passthrough()),
  http.all(({ request }) => upstream.serves(request.url), ({ request }) => upstream.handle(request)),
]

export interface MswUpstream {
  readonly upstream: VirtualUpstream
  readonly close: () => void
}

/** What to do with a request no handler serves: msw's own (printed) error, or a quiet refusal with our sentence. */
type Unhandled = "error" | ((url: string) => Error)

const unhandledFrame = (unhandled: Unhandled) =>
  unhandled === "error"
    ? "error" as const
    : ({ frame }: { readonly frame: { readonly data: unknown } }) => {
      const request = (frame.data as { readonly request?: Request }).request
      // Thrown, the error fails the request (nothing is printed, nothing bypasses).
      throw unhandled(request?.url ?? "an unknown address")
    }

/**
 * Starts intercepting now, outside vitest (the CLI's `--offline`), on Node or Deno;
 * `close` stops. `unhandled` says how a request to any other host fails: by default as
 * msw reports it (for tests); the CLI gives its own sentence so msw's internals never print.
 */
export const startMswUpstream = (upstream: VirtualUpstream = createUpstream(), unhandled: Unhandled = "error"): MswUpstream => {
  const handlers = upstreamHandlers(upstream)
  const onUnhandledFrame = unhandledFrame(unhandled)
  if (!("Deno" in globalThis)) {
    const server = setupServer(...handlers)
    server.listen({ onUnhandledFrame })
    return { upstream, close: () => server.close() }
  }
  // Deno's fetch never goes through node:net, where msw/node listens: patch fetch itself.
  // (The cast bridges msw's bundled copy of the interceptor types; the classes are the same.)
  const interceptor = new FetchInterceptor() as unknown as ConstructorParameters<typeof InterceptorSource>[0]["interceptors"][number]
  const network = defineNetwork({
    sources: [new InterceptorSource({ interceptors: [interceptor] })],
    handlers,
    onUnhandledFrame,
    context: { quiet: true },
  })
  void network.enable()
  return { upstream, close: () => void network.disable() }
}
