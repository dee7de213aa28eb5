/**
 * HttpClient over ofetch, which uses the runtime's fetch (Node, Deno, Lambda) and is
 * what msw intercepts in tests. ofetch's own retry and error throwing are off, and
 * redirects come back as they are: policy, bounded waits included, belongs to SourceHttp,
 * where it is typed and tested. Interrupting a request aborts it.
 */
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import { ofetch } from "ofetch"
import { HttpClient, type HttpRequest, HttpTransportError } from "../domain/http/HttpClient.ts"

/** The error at the root of a chain: ofetch wraps fetch's TypeError, which wraps the system error. */
const rootCause = (error: unknown): unknown => {
  let current = error
  for (let depth = 0; depth < 5; depth += 1) {
    const next = current instanceof Error ? current.cause : undefined
    if (next === undefined || next === null) break
    current = next
  }
  return current
}

/** The deepest system error code in the chain (`ENOTFOUND`, `CERT_HAS_EXPIRED`), when there is one. */
const codeOf = (error: unknown): string | undefined => {
  let found: string | undefined
  for (let current = error, depth = 0; current instanceof Error && depth < 6; current = current.cause, depth += 1) {
    const code = (current as { code?: unknown }).code
    if (typeof code === "string") found = code
  }
  return found
}

const send = (request: HttpRequest) =>
  Effect.tryPromise({
    try: async (signal) => {
      const response = await ofetch.raw(request.url, {
        method: request.method ?? "GET",
        headers: request.headers,
        responseType: "stream",
        ignoreResponseError: true,
        redirect: "manual",
        retry: 0,
        signal
      })
      const body = (response._data ?? response.body ?? null) as ReadableStream<Uint8Array> | null
      return { url: request.url, status: response.status, headers: response.headers, body }
    },
    catch: (cause) => {
      const root = rootCause(cause)
      return new HttpTransportError({
        url: request.url,
        timedOut: root instanceof Error && root.name === "TimeoutError",
        detail: root instanceof Error ? root.message : String(root),
        code: codeOf(cause)
      })
    }
  })

export const ofetchHttpLayer = Layer.succeed(HttpClient, HttpClient.of({ send }))
