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
      return Effect.succeed(Duration.millis(told === undefined ? backoff : Math.min(told, policy.maxRetryAfterMs)))
    }),
    Schedule.upTo({ times: policy.maxRetries })
  )

/**
 * Retries `effect` while it fails with TransientSourceFailure; when the budget is spent
 * the last failure becomes SourceUnavailable. Other errors pass through untouched.
 */
export const retryTransient = (policy: RetryPolicy) =>
<A, E, R>(effect: Effect.Effect<A, E | TransientSourceFailure, R>): Effect.Effect<A, E | SourceUnavailable, R> =>
  Effect.retry(effect, {
    while: (error) => error instanceof TransientSourceFailure,
    schedule: schedule(policy) as Schedule.Schedule<unknown, E | TransientSourceFailure>
  }).pipe(
    Effect.catchIf(
      (error): error is TransientSourceFailure => error instanceof TransientSourceFailure,
      (last) =>
        Effect.fail(
          new SourceUnavailable({ url: last.url, attempts: policy.maxRetries + 1, lastReason: last.reason })
        )
    )
  )
