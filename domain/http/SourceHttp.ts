/**
 * The polite client every upstream request goes through: identifies the operator in
 * the User-Agent, keeps to a request rate, retries transient failures with backoff, and
 * turns HTTP statuses into typed errors. Callers get only 2xx and 304 responses.
 *
 * Redirects are followed only within the origin asked for: another host's bytes never
 * pass for the source's, and the operator's contact never goes to a host they did not
 * configure.
 */
import * as Context from "effect/Context"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as RateLimiter from "effect/persistence/RateLimiter"
import { HttpClient, type HttpRequest, type HttpResponse, HttpTransportError } from "./HttpClient.ts"
import { parseRetryAfter, retryTransient, type RetryPolicy } from "./retryPolicy.ts"
import {
  ContactRequired,
  type SourceError,
  SourceForbidden,
  SourceNotFound,
  SourceRedirectRefused,
  SourceStatusError,
  SourceTooLarge,
  SourceUnreachable,
  TransientSourceFailure
} from "./sourceErrors.ts"
import { readAll, TooManyBytes } from "../bytes/readAll.ts"
import { bodyFailureReason } from "./bodyFailure.ts"
import { boundedResponse } from "./boundedWaits.ts"
import { checkContact } from "../contact.ts"

export interface SourcePolicy {
  readonly contact: string
  readonly requestsPerSecond: number
  /** Time allowed without progress: for the response headers, and between body chunks. */
  readonly timeoutMs: number
  /** Time allowed for one whole transfer (one attempt), headers and body. */
  readonly transferTimeoutMs: number
  readonly retry: RetryPolicy
}

/** More hops than this within the origin is a loop, not a move. */
const MAX_REDIRECTS = 5

const isRedirect = (status: number) => status === 301 || status === 302 || status === 303 || status === 307 || status === 308

export interface SourceHttpShape {
  readonly userAgent: string
  /** Requests sent so far, retries included: run summaries report the difference. */
  readonly requestsMade: () => number
  /** One rate-limited, classified attempt; transient failures are left to the caller. */
  readonly attempt: (
    url: string,
    headers?: Record<string, string>
  ) => Effect.Effect<HttpResponse, SourceError | TransientSourceFailure>
  /**
   * A whole (small) answer as bytes: request and body read are retried together, so a
   * connection dropped mid-body is retried like a 503. More than `maxBytes` is an error.
   */
  readonly getBytes: (url: string, maxBytes: number) => Effect.Effect<Uint8Array, SourceError | SourceTooLarge>
  /** Retries a unit of work (request + body) under this source's retry policy. */
  readonly retry: <A, E, R>(
    effect: Effect.Effect<A, E | TransientSourceFailure, R>
  ) => Effect.Effect<A, Exclude<E, TransientSourceFailure> | SourceError, R>
}

export class SourceHttp extends Context.Service<SourceHttp, SourceHttpShape>()("quest/SourceHttp") {}

/**
 * What a failed connection that retrying cannot heal within a run means, from the system
 * code at its root (an unknown host, a refused certificate); undefined when another
 * attempt may succeed.
 */
const permanentFailure = (code: string | undefined): string | undefined =>
  code === "ENOTFOUND"
    ? "the host name is not known (DNS)"
    : code !== undefined && /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|UNABLE_TO_GET_ISSUER|ERR_TLS_|ERR_SSL_|EPROTO/.test(code)
    ? "the server's TLS certificate (or handshake) was refused"
    : undefined

/** A whole body, up to `maxBytes`; one that breaks is a transient failure, in the words of `reasonOf`. */
export const readBody = (url: string, body: ReadableStream<Uint8Array> | null, maxBytes: number, reasonOf = bodyFailureReason) =>
  Effect.tryPromise({
    try: () => readAll(body, maxBytes),
    catch: (error) =>
      error instanceof TooManyBytes ? new SourceTooLarge({ url, limit: maxBytes }) : new TransientSourceFailure({ url, reason: reasonOf(error) })
  })

const isTransientStatus = (status: number) => status === 408 || status === 425 || status === 429 || status >= 500

const release = (response: HttpResponse) =>
  Effect.promise(() => response.body?.cancel().catch(() => undefined) ?? Promise.resolve())

const classify = (
  response: HttpResponse,
  userAgent: string
): Effect.Effect<HttpResponse, SourceError | TransientSourceFailure> => {
  const { status, url } = response
  if ((status >= 200 && status < 300) || status === 304) return Effect.succeed(response)
  const failure = status === 403
    ? new SourceForbidden({ url, userAgent })
    : status === 404 || status === 410
    ? new SourceNotFound({ url })
    : isTransientStatus(status)
    ? new TransientSourceFailure({ url, reason: `HTTP ${status}`, retryAfterMs: parseRetryAfter(response.headers.get("retry-after"), Date.now()) })
    : new SourceStatusError({ url, status })
  // The body of an error page is never read; release the connection.
  return Effect.andThen(release(response), Effect.fail(failure))
}

export const makeSourceHttp = (policy: SourcePolicy) =>
  Effect.gen(function*() {
    if (checkContact(policy.contact).kind === "invalid") return yield* new ContactRequired()
    const client = yield* HttpClient
    const limiter = yield* RateLimiter.RateLimiter
    // BLS blocks scripts that do not say who runs them.
    const userAgent = `bls-quest/0.1 (${policy.contact.trim()})`
    const limit = Math.max(1, Math.round(policy.requestsPerSecond))
    // Below one request a second the window stretches instead: 0.2/s is 1 per 5 s.
    const windowMs = (limit / policy.requestsPerSecond) * 1000
    let requests = 0

    const send = (url: string, headers: Record<string, string>) => {
      const request: HttpRequest = {
        url,
        method: "GET",
        headers: { ...headers, "user-agent": userAgent }
      }
      return limiter.consume({
        algorithm: "token-bucket",
        onExceeded: "delay",
        key: "upstream",
        limit,
        window: windowMs
      }).pipe(
        Effect.orDie, // the in-memory limiter store cannot fail
        // A wait is said (at debug) before it starts, so a progress display can show it.
        Effect.flatMap(({ delay }) =>
          Duration.isZero(delay) ? Effect.void : Effect.logDebug({
            event: "source.rate-limit",
            message: `waiting ${Duration.toMillis(delay)} ms for the request rate limit before ${url}`,
            url,
            waitMs: Duration.toMillis(delay)
          }).pipe(Effect.andThen(Effect.sleep(delay)))
        ),
        Effect.andThen(Effect.suspend(() => {
          requests += 1
          return boundedResponse(client.send(request), url, { idleMs: policy.timeoutMs, deadlineMs: policy.transferTimeoutMs })
        })),
        Effect.catchTag("HttpTransportError", (error: HttpTransportError) => {
          const what = permanentFailure(error.code)
          const code = error.code === undefined || error.detail.includes(error.code) ? "" : ` (${error.code})`
          return Effect.fail(
            what !== undefined
              ? new SourceUnreachable({ url, what, detail: error.detail, code: error.code })
              : new TransientSourceFailure({ url, reason: `${error.detail}${code}` })
          )
        })
      )
    }

    /** Follows redirects that stay on the origin first asked; refuses any other. */
    const attempt = (url: string, headers: Record<string, string> = {}) =>
      Effect.gen(function*() {
        const origin = new URL(url).origin
        let current = url
        for (let hops = 0; ; hops += 1) {
          const response = yield* send(current, headers)
          const location = response.headers.get("location")
          if (!isRedirect(response.status) || location === null) return yield* classify(response, userAgent)
          yield* release(response)
          const target = URL.canParse(location, current) ? new URL(location, current) : undefined
          const refuse = (detail: string) => new SourceRedirectRefused({ url: current, location, detail })
          if (target === undefined) return yield* refuse("is not a URL")
          if (target.origin !== origin) return yield* refuse(`leaves ${origin}`)
          if (hops >= MAX_REDIRECTS) return yield* refuse(`is more than ${MAX_REDIRECTS} redirects from ${url}`)
          current = target.href
        }
      })

    const retry = retryTransient(policy.retry)
    const getBytes = (url: string, maxBytes: number) =>
      retry(Effect.flatMap(attempt(url), (response) => readBody(url, response.body, maxBytes)))
    return SourceHttp.of({
      getBytes,
      userAgent,
      requestsMade: () => requests,
      attempt,
      retry: retry as SourceHttpShape["retry"]
    })
  })

/** Needs an HttpClient; fails with ContactRequired before any request when no contact is set. */
export const sourceHttpLayer = (policy: SourcePolicy) =>
  Layer.effect(SourceHttp, makeSourceHttp(policy)).pipe(
    Layer.provide(RateLimiter.layer.pipe(Layer.provide(RateLimiter.layerStoreMemory)))
  )
