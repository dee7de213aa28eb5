/**
 * Routes the process's outgoing HTTP to an in-process upstream (`--offline`; the tests'
 * fakes): requests to its hosts are answered by it, loopback ones (a local server, moto)
 * pass through, and any other host fails, so nothing reaches the internet. msw does the
 * intercepting, on Node and on Deno.
 */
import { FetchInterceptor } from "@mswjs/interceptors/fetch/web"
// Not the "msw" root: it opens a BroadcastChannel (for WebSocket mocks) that keeps Deno from exiting.
import type { AnyHandler } from "msw"
import { defineNetwork, InterceptorSource } from "msw/experimental"
import { http } from "msw/http"
import { setupServer } from "msw/node"
import { passthrough } from "msw/utils/passthrough"

export interface InProcessUpstream {
  readonly serves: (url: string) => boolean
  readonly handle: (request: Request) => Response | Promise<Response>
}

const isLoopback = (url: URL) => ["127.0.0.1", "localhost", "[::1]"].includes(url.hostname)

export const upstreamHandlers = (upstream: InProcessUpstream): Array<AnyHandler> => [
  http.all(({ request }) => isLoopback(new URL(request.url)), () => passthrough()),
  http.all(({ request }) => upstream.serves(request.url), ({ request }) => upstream.handle(request))
]

/** How a request to any other host fails: msw's own (printed) error, or a quiet refusal with the caller's sentence. */
export type Unhandled = "error" | ((url: string) => Error)

const unhandledFrame = (unhandled: Unhandled) =>
  unhandled === "error"
    ? "error" as const
    : ({ frame }: { readonly frame: { readonly data: unknown } }) => {
      // Thrown, the error fails the request (nothing is printed, nothing bypasses).
      throw unhandled((frame.data as { readonly request?: Request }).request?.url ?? "an unknown address")
    }

/** Starts intercepting now; `close` stops. */
export const interceptUpstream = (upstream: InProcessUpstream, unhandled: Unhandled = "error"): { readonly close: () => void } => {
  const handlers = upstreamHandlers(upstream)
  const onUnhandledFrame = unhandledFrame(unhandled)
  if (!("Deno" in globalThis)) {
    const server = setupServer(...handlers)
    server.listen({ onUnhandledFrame })
    return { close: () => server.close() }
  }
  // Deno's fetch never goes through node:net, where msw/node listens: patch fetch itself.
  // (The cast bridges msw's bundled copy of the interceptor types; the classes are the same.)
  const interceptor = new FetchInterceptor() as unknown as ConstructorParameters<typeof InterceptorSource>[0]["interceptors"][number]
  const network = defineNetwork({
    sources: [new InterceptorSource({ interceptors: [interceptor] })],
    handlers,
    onUnhandledFrame,
    context: { quiet: true }
  })
  void network.enable()
  return { close: () => void network.disable() }
}
