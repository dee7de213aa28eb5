/**
 * Exponential backoff with jitter for transient source failures, honouring the
 * server's Retry-After, within a bounded number of attempts.
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

export const defaultRetryPolicy: RetryPolicy = {
  maxRetries: 5,
  baseDelayMs: 500,
  maxDelayMs: 30_000,
  maxRetryAfterMs: 120_000
}

/** Parses Retry-After (delta-seconds or an HTTP date) into milliseconds from `nowMs`. */
export const parseRetryAfter = (value: string | null, nowMs: number): number | undefined => {
  const trimmed = value?.trim() ?? ""
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000
  const date = trimmed === "" ? NaN : Date.parse(trimmed)
  return Number.isNaN(date) ? undefined : Math.max(0, date - nowMs)
}

/** A server asking for a longer pause than a run should sit through is not retried. */
const worthRetrying = (policy: RetryPolicy) => (error: unknown): error is TransientSourceFailure =>
  error instanceof TransientSourceFailure &&
  (error.retryAfterMs === undefined || error.retryAfterMs <= policy.maxRetryAfterMs)

/**
 * Retries `effect` while it fails with TransientSourceFailure, each retry logged (WARN,
 * `source.retry`) with its wait; when the budget is spent (or the server asks to wait
 * longer than `maxRetryAfterMs`) the last failure becomes SourceUnavailable. Other errors
 * pass through untouched.
 */
export const retryTransient = (policy: RetryPolicy) =>
<A, E, R>(effect: Effect.Effect<A, E | TransientSourceFailure, R>): Effect.Effect<A, E | SourceUnavailable, R> =>
  Effect.suspend(() => {
    let attempts = 0
    const schedule = Schedule.exponential(Duration.millis(policy.baseDelayMs)).pipe(
      Schedule.jittered,
      Schedule.modifyDelay(({ duration, input }: Schedule.Metadata<Duration.Duration, TransientSourceFailure>) => {
        const waitMs = Math.round(input.retryAfterMs ?? Math.min(Duration.toMillis(duration), policy.maxDelayMs))
        // Logged only when another attempt follows (the schedule is also stepped for failures
        // `while` then refuses); the last failure is the caller's to report.
        const log = attempts <= policy.maxRetries && worthRetrying(policy)(input)
          ? Effect.logWarning({
            event: "source.retry",
            message: `${input.message}; attempt ${attempts} of ${policy.maxRetries + 1} failed, retrying in ${(waitMs / 1000).toFixed(1)} s`,
            url: input.url,
            attempt: attempts,
            of: policy.maxRetries + 1,
            reason: printable(input.reason),
            waitMs
          })
          : Effect.void
        return Effect.as(log, Duration.millis(waitMs))
      }),
      Schedule.upTo({ times: policy.maxRetries })
    ) as Schedule.Schedule<unknown, E | TransientSourceFailure>
    const counted = Effect.suspend(() => {
      attempts += 1
      return effect
    })
    return Effect.retry(counted, { while: worthRetrying(policy), schedule }).pipe(
      Effect.catchIf((error): error is TransientSourceFailure => error instanceof TransientSourceFailure, (last) => {
        const wait = last.retryAfterMs
        const reason = wait !== undefined && wait > policy.maxRetryAfterMs
          ? `${last.reason}, asked to retry after ${Math.round(wait / 1000)} s, longer than a run waits`
          : last.reason
        return Effect.fail(new SourceUnavailable({ url: last.url, attempts, lastReason: reason }))
      })
    )
  })
