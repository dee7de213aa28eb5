/**
 * The raw HTTP transport: one request, one response, no policy. Politeness, retries,
 * redirects, bounded waits (boundedWaits.ts) and status handling live in SourceHttp; this
 * seam exists so tests and runtimes can swap the implementation (adapters/ofetchHttp.ts
 * in production). Interrupting `send` aborts the request.
 */
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"
import { printable } from "../printable.ts"

export interface HttpRequest {
  readonly url: string
  readonly method?: "GET" | "HEAD"
  readonly headers?: Readonly<Record<string, string>>
}

export interface HttpResponse {
  readonly url: string
  readonly status: number
  readonly headers: Headers
  /** Null for HEAD, 304 and other bodiless answers. Redirects are returned, never followed. */
  readonly body: ReadableStream<Uint8Array> | null
}

/** What a body stream errors with when the source stops sending or the transfer runs too long (boundedWaits.ts). */
export class TransferTimeout extends Error {
  override readonly name = "TimeoutError"
}

/** The request never produced a response: DNS, refused or reset connection, certificate, timeout. */
export class HttpTransportError extends Schema.TaggedError<HttpTransportError>()("HttpTransportError", {
  url: Schema.String,
  detail: Schema.String,
  timedOut: Schema.Boolean,
  /** The system error's code at the root of the failure (`ENOTFOUND`, `CERT_HAS_EXPIRED`), when known. */
  code: Schema.optional(Schema.String)
}) {
  override get message() {
    return `${this.timedOut ? "Timed out requesting" : "Could not reach"} ${this.url}: ${printable(this.detail)}. ` +
      `Check the network and the URL, then run again.`
  }
}

export interface HttpClientShape {
  readonly send: (request: HttpRequest) => Effect.Effect<HttpResponse, HttpTransportError>
}

export class HttpClient extends Context.Service<HttpClient, HttpClientShape>()("quest/HttpClient") {}
