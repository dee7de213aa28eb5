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
  if (value === null || value.trim() === "") return undefined
  const trimmed = value.trim()
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000
  const date = Date.parse(trimmed)
  return Number.isNaN(date) ? undefined : Math.max(0, date - nowMs)
}

/** A server asking for a longer pause than a run should sit through is not retried. */
const worthRetrying = (policy: RetryPolicy) => (error: unknown) =>
  error instanceof TransientSourceFailure &&
  (error.retryAfterMs === undefined || error.retryAfterMs <= policy.maxRetryAfterMs)

/** The WARN record of one retry: what failed, which attempt of how many, and the wait before the next. */
export const retryLogRecord = (failure: TransientSourceFailure, attempt: number, of: number, waitMs: number) => ({
  event: "source.retry",
  message: `${failure.message}; attempt ${attempt} of ${of} failed, retrying in ${(waitMs / 1000).toFixed(1)} s`,
  url: failure.url,
  attempt,
  of,
  reason: printable(failure.reason),
  waitMs
})

const schedule = (policy: RetryPolicy, attempts: () => number) =>
  Schedule.exponential(Duration.millis(policy.baseDelayMs)).pipe(
    Schedule.jittered,
    Schedule.modifyDelay(({ duration, input }: Schedule.Metadata<Duration.Duration, TransientSourceFailure>) => {
      const backoff = Math.min(Duration.toMillis(duration), policy.maxDelayMs)
      const waitMs = Math.round(input.retryAfterMs ?? backoff)
      const attempt = attempts()
      // Logged only when another attempt follows (the schedule is also stepped for failures
      // `while` then refuses); the last failure is the caller's to report.
      const log = attempt <= policy.maxRetries && worthRetrying(policy)(input)
        ? Effect.logWarning(retryLogRecord(input, attempt, policy.maxRetries + 1, waitMs))
        : Effect.void
      return Effect.as(log, Duration.millis(waitMs))
    }),
    Schedule.upTo({ times: policy.maxRetries })
  )

/**
 * Retries `effect` while it fails with TransientSourceFailure; when the budget is spent
 * (or the server asks to wait longer than `maxRetryAfterMs`) the last failure becomes
 * SourceUnavailable. Other errors pass through untouched.
 */
export const retryTransient = (policy: RetryPolicy) =>
<A, E, R>(effect: Effect.Effect<A, E | TransientSourceFailure, R>): Effect.Effect<A, E | SourceUnavailable, R> =>
  Effect.suspend(() => {
    let attempts = 0
    const counted = Effect.suspend(() => {
      attempts += 1
      return effect
    })
    return Effect.retry(counted, {
      while: worthRetrying(policy),
      schedule: schedule(policy, () => attempts) as Schedule.Schedule<unknown, E | TransientSourceFailure>
    }).pipe(
      Effect.catchIf(
        (error): error is TransientSourceFailure => error instanceof TransientSourceFailure,
        (last) => {
          const wait = last.retryAfterMs
          const reason = wait !== undefined && wait > policy.maxRetryAfterMs
            ? `${last.reason}, asked to retry after ${Math.round(wait / 1000)} s, longer than a run waits`
            : last.reason
          return Effect.fail(new SourceUnavailable({ url: last.url, attempts, lastReason: reason }))
        }
      )
    )
  })
