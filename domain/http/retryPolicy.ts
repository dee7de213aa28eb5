/**
 * Exponential backoff with jitter for transient source failures, honouring the server's
 * Retry-After, within a bounded number of attempts; every retry is logged at WARN.
 */
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Schedule from "effect/Schedule"
import { printable } from "../printable.ts"
import { SourceUnavailable, TransientSourceFailure } from "./sourceErrors.ts"

export interface RetryPolicy {
  /** Retries after the first attempt. */
  readonly maxRetries: number
  readonly baseDelayMs: number
  readonly maxDelayMs: number
  /** A Retry-After longer than this is not worth waiting for inside one run. */
  readonly maxRetryAfterMs: number
}

export const defaultRetryPolicy: RetryPolicy = { maxRetries: 5, baseDelayMs: 500, maxDelayMs: 30_000, maxRetryAfterMs: 120_000 }

/** Retry-After (delta-seconds or an HTTP date) in milliseconds from `nowMs`. */
export const parseRetryAfter = (value: string | null, nowMs: number): number | undefined => {
  const text = value?.trim() ?? ""
  const date = Date.parse(text)
  return /^\d+$/.test(text) ? Number(text) * 1000 : Number.isNaN(date) ? undefined : Math.max(0, date - nowMs)
}

/**
 * Retries `effect` while it fails with TransientSourceFailure. When the budget is spent, or
 * the server asks for a longer pause than a run sits through, the last failure becomes
 * SourceUnavailable; other errors pass through untouched.
 */
export const retryTransient = (policy: RetryPolicy) =>
<A, E, R>(effect: Effect.Effect<A, E | TransientSourceFailure, R>): Effect.Effect<A, E | SourceUnavailable, R> =>
  Effect.suspend(() => {
    const tooLong = (failure: TransientSourceFailure) => (failure.retryAfterMs ?? 0) > policy.maxRetryAfterMs
    let attempts = 1
    const schedule = Schedule.exponential(policy.baseDelayMs).pipe(
      Schedule.jittered,
      Schedule.while(({ attempt, input }) => attempt <= policy.maxRetries && input instanceof TransientSourceFailure && !tooLong(input)),
      Schedule.modifyDelay(({ attempt, duration, input }) => {
        const failure = input as TransientSourceFailure
        const waitMs = Math.round(failure.retryAfterMs ?? Math.min(Duration.toMillis(duration), policy.maxDelayMs))
        attempts = attempt + 1
        return Effect.as(
          Effect.logWarning({
            event: "source.retry",
            message: `${failure.message}; attempt ${attempt} of ${policy.maxRetries + 1} failed, retrying in ${(waitMs / 1000).toFixed(1)} s`,
            url: failure.url,
            attempt,
            of: policy.maxRetries + 1,
            reason: printable(failure.reason),
            waitMs
          }),
          waitMs
        )
      })
    )
    return Effect.retry(effect, schedule).pipe(
      Effect.catchIf((error): error is TransientSourceFailure => error instanceof TransientSourceFailure, (last) =>
        Effect.fail(new SourceUnavailable({
          url: last.url,
          attempts,
          lastReason: tooLong(last)
            ? `${last.reason}, asked to retry after ${Math.round(last.retryAfterMs! / 1000)} s, longer than a run waits`
            : last.reason
        })))
    )
  })
