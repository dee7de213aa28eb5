/**
 * Routes the process's `fetch` to an in-process upstream (`--offline`; the tests' fakes):
 * requests to its hosts are answered by it, loopback ones (a local server, moto) pass
 * through, and any other host is refused, so nothing reaches the internet. msw patches
 * `fetch` itself, on Node and Deno alike (not `node:http`, which the AWS SDK uses on Node).
 */
import { FetchInterceptor } from "@mswjs/interceptors/fetch/web"
// Not the "msw" root: it opens a BroadcastChannel (for WebSocket mocks) that keeps Deno from exiting.
import { defineNetwork, InterceptorSource } from "msw/experimental"
import { http } from "msw/http"
import { passthrough } from "msw/utils/passthrough"

/** This machine: a local fixture server or moto, which an offline run may still reach. */
export const isLoopback = (url: string) =>
  URL.canParse(url) && ["127.0.0.1", "localhost", "[::1]"].includes(new URL(url).hostname)

/**
 * 421 Misdirected Request: "this server does not answer for that host". The source client
 * fails on it at once (a 5xx would be retried as a busy server) and shows the reason phrase,
 * so `refusal` reaches the user.
 */
const refused = (refusal: string) => new Response(refusal, { status: 421, statusText: refusal })

/** Starts intercepting now; `close` stops. `refusal` says why any other host is refused (one line, ASCII). */
export const interceptUpstream = (
  upstream: { readonly serves: (url: string) => boolean; readonly handle: (request: Request) => Response | Promise<Response> },
  refusal: string
): { readonly close: () => void } => {
  // (The cast bridges msw's bundled copy of the interceptor types; the classes are the same.)
  const interceptor = new FetchInterceptor() as unknown as ConstructorParameters<typeof InterceptorSource>[0]["interceptors"][number]
  const network = defineNetwork({
    sources: [new InterceptorSource({ interceptors: [interceptor] })],
    handlers: [
      http.all(({ request }) => isLoopback(request.url), () => passthrough()),
      http.all(({ request }) => upstream.serves(request.url), ({ request }) => upstream.handle(request)),
      http.all("*", () => refused(refusal))
    ],
    context: { quiet: true }
  })
  void network.enable()
  return { close: () => void network.disable() }
}
