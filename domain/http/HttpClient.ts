/**
 * The raw HTTP transport: one GET, one response, no policy (that is SourceHttp's). A seam
 * so tests and runtimes swap it (adapters/ofetchHttp.ts in production); interrupting
 * `send` aborts the request.
 */
import * as Context from "effect/Context"
import type * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"

export interface HttpRequest {
  readonly url: string
  readonly headers?: Readonly<Record<string, string>>
}

export interface HttpResponse {
  readonly url: string
  readonly status: number
  /** The reason phrase, when the answer has one (HTTP/2 has none). */
  readonly statusText?: string
  readonly headers: Headers
  /** Null for 304 and other bodiless answers. Redirects are returned, never followed. */
  readonly body: ReadableStream<Uint8Array> | null
}

/** What a body stream errors with past one of its bounds (boundedWaits.ts). */
export class TransferTimeout extends Error {
  override readonly name = "TimeoutError"
}

/** The request never produced a response: DNS, refused or reset connection, certificate, no headers in time. */
export class HttpTransportError extends Schema.TaggedError<HttpTransportError>()("HttpTransportError", {
  url: Schema.String,
  detail: Schema.String,
  /** The system error's code at the root of the failure (`ENOTFOUND`, `CERT_HAS_EXPIRED`), when known. */
  code: Schema.optional(Schema.String)
}) {}

export class HttpClient extends Context.Service<HttpClient, {
  readonly send: (request: HttpRequest) => Effect.Effect<HttpResponse, HttpTransportError>
}>()("quest/HttpClient") {}
