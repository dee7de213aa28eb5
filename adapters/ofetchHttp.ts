/**
 * HttpClient over ofetch, on the runtime's fetch (Node, Deno, Lambda; what msw intercepts).
 * ofetch's retry, timeout and error throwing are off and redirects come back as they are:
 * that policy is SourceHttp's, on Effect's clock. Interrupting a request aborts it.
 */
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import { ofetch } from "ofetch"
import { rootError } from "../domain/http/bodyFailure.ts"
import { HttpClient, type HttpRequest, HttpTransportError } from "../domain/http/HttpClient.ts"

const send = ({ url, headers }: HttpRequest) =>
  Effect.tryPromise({
    try: async (signal) => {
      const response = await ofetch.raw(url, { headers, responseType: "stream", ignoreResponseError: true, redirect: "manual", retry: 0, signal })
      const body = (response._data ?? response.body ?? null) as ReadableStream<Uint8Array> | null
      return { url, status: response.status, statusText: response.statusText, headers: response.headers, body }
    },
    catch: (cause) => {
      const { message, code } = rootError(cause)
      return new HttpTransportError({ url, detail: message, code })
    }
  })

export const ofetchHttpLayer = Layer.succeed(HttpClient, HttpClient.of({ send }))
