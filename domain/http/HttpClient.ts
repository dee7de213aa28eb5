/**
 * The raw HTTP transport: one request, one response, no policy. Politeness, retries and
 * status handling live in SourceHttp; this seam exists so tests and runtimes can swap
 * the implementation (adapters/ofetchHttp.ts in production).
 */
import { Context, Effect, Schema } from "effect"

export interface HttpRequest {
  readonly url: string
  readonly method?: "GET" | "HEAD"
  readonly headers?: Readonly<Record<string, string>>
  /** Time allowed until the response headers arrive. */
  readonly timeoutMs?: number
}

export interface HttpResponse {
  readonly url: string
  readonly status: number
  readonly headers: Headers
  /** Null for HEAD, 304 and other bodiless answers. */
  readonly body: ReadableStream<Uint8Array> | null
}

/** The request never produced a response: DNS, refused or reset connection, timeout. */
export class HttpTransportError extends Schema.TaggedError<HttpTransportError>()("HttpTransportError", {
  url: Schema.String,
  detail: Schema.String,
  timedOut: Schema.Boolean
}) {
  override get message() {
    return `${this.timedOut ? "Timed out requesting" : "Could not reach"} ${this.url}: ${this.detail}. ` +
      `Check the network and the URL, then run again.`
  }
}

export interface HttpClientShape {
  readonly send: (request: HttpRequest) => Effect.Effect<HttpResponse, HttpTransportError>
}

export class HttpClient extends Context.Service<HttpClient, HttpClientShape>()("quest/HttpClient") {}
