/**
 * HttpClient over ofetch, which uses the runtime's fetch (Node, Deno, Lambda) and is
 * what msw intercepts in tests. ofetch's own retry and error throwing are off: policy
 * belongs to SourceHttp, where it is typed and tested.
 */
import { Effect, Layer } from "effect"
import { ofetch } from "ofetch"
import { HttpClient, type HttpRequest, HttpTransportError } from "../domain/http/HttpClient.ts"

const DEFAULT_TIMEOUT_MS = 30_000

const send = (request: HttpRequest) =>
  Effect.tryPromise({
    try: async (interrupted) => {
      // The timeout covers waiting for the response headers only: a large body may
      // legitimately take longer than any fixed limit.
      const controller = new AbortController()
      const onInterrupt = () => controller.abort(interrupted.reason)
      interrupted.addEventListener("abort", onInterrupt)
      const timer = setTimeout(
        () => controller.abort(new DOMException("timed out", "TimeoutError")),
        request.timeoutMs ?? DEFAULT_TIMEOUT_MS
      )
      try {
        const response = await ofetch.raw(request.url, {
          method: request.method ?? "GET",
          headers: request.headers,
          responseType: "stream",
          ignoreResponseError: true,
          retry: 0,
          signal: controller.signal
        })
        return {
          url: request.url,
          status: response.status,
          headers: response.headers,
          body: (response._data ?? response.body ?? null) as ReadableStream<Uint8Array> | null
        }
      } finally {
        clearTimeout(timer)
        interrupted.removeEventListener("abort", onInterrupt)
      }
    },
    catch: (cause) => {
      const timedOut = cause instanceof Error && (cause.name === "TimeoutError" || String(cause).includes("timed out"))
      const root = cause instanceof Error && cause.cause instanceof Error ? cause.cause : cause
      return new HttpTransportError({
        url: request.url,
        timedOut,
        detail: root instanceof Error ? root.message : String(root)
      })
    }
  })

export const ofetchHttpLayer = Layer.succeed(HttpClient, HttpClient.of({ send }))
