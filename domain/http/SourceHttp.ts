/**
 * The polite client every upstream request goes through: names the operator in the
 * User-Agent, keeps to a request rate, bounds every wait (boundedWaits.ts), retries
 * transient failures (retryPolicy.ts) and turns HTTP statuses into typed errors; callers
 * get only 2xx and 304 responses. Redirects are followed only within the origin asked for:
 * another host's bytes never pass for the source's, nor does the operator's contact go there.
 */
import * as Context from "effect/Context"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as RateLimiter from "effect/persistence/RateLimiter"
import { readAll, TooManyBytes } from "../bytes/readAll.ts"
import { checkContact } from "../contact.ts"
import { bodyFailureReason } from "./bodyFailure.ts"
import { boundedResponse } from "./boundedWaits.ts"
import { HttpClient, type HttpResponse } from "./HttpClient.ts"
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

export class SourceHttp extends Context.Service<SourceHttp, {
  /** Requests sent so far, retries included: run summaries report the difference. */
  readonly requestsMade: () => number
  /** One rate-limited, classified attempt; transient failures are left to `retry`. */
  readonly attempt: (url: string, headers?: Record<string, string>) => Effect.Effect<HttpResponse, SourceError | TransientSourceFailure>
  /** A whole (small) answer, request and body read retried together; more than `maxBytes` is an error. */
  readonly getBytes: (url: string, maxBytes: number) => Effect.Effect<Uint8Array, SourceError | SourceTooLarge>
  /** Retries a unit of work (request + body) under this source's retry policy. */
  readonly retry: <A, E, R>(effect: Effect.Effect<A, E | TransientSourceFailure, R>) => Effect.Effect<A, Exclude<E, TransientSourceFailure> | SourceError, R>
}>()("quest/SourceHttp") {}

/** What a failed connection that retrying cannot heal means, from its system code; undefined when another attempt may succeed. */
const permanentFailure = (code = ""): string | undefined =>
  code === "ENOTFOUND"
    ? "the host name is not known (DNS)"
    : /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|UNABLE_TO_GET_ISSUER|ERR_TLS_|ERR_SSL_|EPROTO/.test(code)
    ? "the server's TLS certificate (or handshake) was refused"
    : undefined

/** A whole body, up to `maxBytes`; one that breaks is a transient failure, in the words of `reasonOf`. */
export const readBody = (url: string, body: ReadableStream<Uint8Array> | null, maxBytes: number, reasonOf = bodyFailureReason) =>
  Effect.tryPromise({
    try: () => readAll(body, maxBytes),
    catch: (error) =>
      error instanceof TooManyBytes ? new SourceTooLarge({ url, limit: maxBytes }) : new TransientSourceFailure({ url, reason: reasonOf(error) })
  })

const release = (response: HttpResponse) => Effect.promise(async () => await response.body?.cancel().catch(() => undefined))

/** Any answer but 2xx and 304 as its error; the body of an error page is never read. */
const failureOf = ({ status, statusText, url, headers }: HttpResponse, userAgent: string) =>
  status === 403
    ? new SourceForbidden({ url, userAgent })
    : status === 404 || status === 410
    ? new SourceNotFound({ url })
    : status === 408 || status === 425 || status === 429 || status >= 500
    ? new TransientSourceFailure({ url, reason: `HTTP ${status}`, retryAfterMs: parseRetryAfter(headers.get("retry-after"), Date.now()) })
    : new SourceStatusError({ url, status, statusText })

const makeSourceHttp = (policy: SourcePolicy) =>
  Effect.gen(function*() {
    if (checkContact(policy.contact).kind === "invalid") return yield* new ContactRequired()
    const client = yield* HttpClient
    const limiter = yield* RateLimiter.RateLimiter
    // BLS blocks scripts that do not say who runs them.
    const userAgent = `bls-quest/0.1 (${policy.contact.trim()})`
    const limit = Math.max(1, Math.round(policy.requestsPerSecond))
    // Below one request a second the window stretches instead: 0.2/s is 1 per 5 s.
    const window = (limit / policy.requestsPerSecond) * 1000
    let requests = 0

    const send = (url: string, headers: Record<string, string>) =>
      limiter.consume({ algorithm: "token-bucket", onExceeded: "delay", key: "upstream", limit, window }).pipe(
        Effect.orDie, // the in-memory limiter store cannot fail
        // Said (at debug) before the wait starts, so a progress display can show it.
        Effect.flatMap(({ delay }) => {
          const waitMs = Duration.toMillis(delay)
          return waitMs === 0 ? Effect.void : Effect.andThen(
            Effect.logDebug({ event: "source.rate-limit", message: `waiting ${waitMs} ms for the request rate limit before ${url}`, url, waitMs }),
            Effect.sleep(delay)
          )
        }),
        Effect.andThen(Effect.suspend(() => {
          requests += 1
          const request = client.send({ url, headers: { ...headers, "user-agent": userAgent } })
          return boundedResponse(request, url, { idleMs: policy.timeoutMs, deadlineMs: policy.transferTimeoutMs })
        })),
        Effect.catchTag("HttpTransportError", ({ code, detail }) => {
          const what = permanentFailure(code)
          return Effect.fail(what !== undefined
            ? new SourceUnreachable({ url, what, detail, code })
            : new TransientSourceFailure({ url, reason: code === undefined || detail.includes(code) ? detail : `${detail} (${code})` }))
        })
      )

    const attempt = (url: string, headers: Record<string, string> = {}) =>
      Effect.gen(function*() {
        const origin = new URL(url).origin
        for (let current = url, hops = 0; ; hops += 1) {
          const response = yield* send(current, headers)
          const location = response.headers.get("location")
          const redirected = [301, 302, 303, 307, 308].includes(response.status) && location !== null
          const ok = (response.status >= 200 && response.status < 300) || response.status === 304
          if (ok && !redirected) return response
          yield* release(response)
          if (!redirected) return yield* failureOf(response, userAgent)
          const target = URL.canParse(location, current) ? new URL(location, current) : undefined
          const refuse = (detail: string) => new SourceRedirectRefused({ url: current, location, detail })
          if (target === undefined) return yield* refuse("is not a URL")
          if (target.origin !== origin) return yield* refuse(`leaves ${origin}`)
          if (hops >= MAX_REDIRECTS) return yield* refuse(`is more than ${MAX_REDIRECTS} redirects from ${url}`)
          current = target.href
        }
      })

    const retry = retryTransient(policy.retry) as SourceHttp["Service"]["retry"]
    return SourceHttp.of({
      requestsMade: () => requests,
      attempt,
      getBytes: (url, maxBytes) => retry(Effect.flatMap(attempt(url), (response) => readBody(url, response.body, maxBytes))),
      retry
    })
  })

/** Needs an HttpClient; fails with ContactRequired before any request when no contact is set. */
export const sourceHttpLayer = (policy: SourcePolicy) =>
  Layer.effect(SourceHttp, makeSourceHttp(policy)).pipe(
    Layer.provide(RateLimiter.layer.pipe(Layer.provide(RateLimiter.layerStoreMemory)))
  )
