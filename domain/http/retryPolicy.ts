/**
 * Exponential backoff with jitter for transient source failures, honouring the
 * server's Retry-After, within a bounded number of attempts.
 */
import { Duration, Effect, Schedule } from "effect"
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

const schedule = (policy: RetryPolicy) =>
  Schedule.exponential(Duration.millis(policy.baseDelayMs)).pipe(
    Schedule.jittered,
    Schedule.modifyDelay(({ duration, input }: Schedule.Metadata<Duration.Duration, TransientSourceFailure>) => {
      const backoff = Math.min(Duration.toMillis(duration), policy.maxDelayMs)
      const told = input.retryAfterMs
      return Effect.succeed(Duration.millis(told ?? backoff))
    }),
    Schedule.upTo({ times: policy.maxRetries })
  )

/** A server asking for a longer pause than a run should sit through is not retried. */
const worthRetrying = (policy: RetryPolicy) => (error: unknown) =>
  error instanceof TransientSourceFailure &&
  (error.retryAfterMs === undefined || error.retryAfterMs <= policy.maxRetryAfterMs)

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
      schedule: schedule(policy) as Schedule.Schedule<unknown, E | TransientSourceFailure>
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
