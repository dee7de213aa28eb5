/**
 * Routes the process's `fetch` to an in-process upstream (`--offline`; the tests' fakes):
 * requests to its hosts are answered by it, loopback ones (a local server, moto) pass
 * through, and any other host is refused (msw answers 500, the caller's error as the
 * body), so nothing reaches the internet. msw patches `fetch` itself, on Node and Deno alike.
 */
import { FetchInterceptor } from "@mswjs/interceptors/fetch/web"
// Not the "msw" root: it opens a BroadcastChannel (for WebSocket mocks) that keeps Deno from exiting.
import { defineNetwork, InterceptorSource } from "msw/experimental"
import { http } from "msw/http"
import { passthrough } from "msw/utils/passthrough"

const isLoopback = (url: URL) => ["127.0.0.1", "localhost", "[::1]"].includes(url.hostname)

/** Starts intercepting now; `close` stops. `refuse` words the error a request to any other host fails with. */
export const interceptUpstream = (
  upstream: { readonly serves: (url: string) => boolean; readonly handle: (request: Request) => Response | Promise<Response> },
  refuse: (url: string) => Error
): { readonly close: () => void } => {
  // (The cast bridges msw's bundled copy of the interceptor types; the classes are the same.)
  const interceptor = new FetchInterceptor() as unknown as ConstructorParameters<typeof InterceptorSource>[0]["interceptors"][number]
  const network = defineNetwork({
    sources: [new InterceptorSource({ interceptors: [interceptor] })],
    handlers: [
      http.all(({ request }) => isLoopback(new URL(request.url)), () => passthrough()),
      http.all(({ request }) => upstream.serves(request.url), ({ request }) => upstream.handle(request))
    ],
    // Thrown, nothing is printed and nothing bypasses.
    onUnhandledFrame: ({ frame }) => {
      throw refuse((frame.data as { readonly request?: Request }).request?.url ?? "an unknown address")
    },
    context: { quiet: true }
  })
  void network.enable()
  return { close: () => void network.disable() }
}
