/**
 * One store operation, written as a promise by a store adapter, run as an Effect that fails
 * with StoreError. Interrupting it aborts the task's signal and waits for the task to settle,
 * so what it cleans up on its way out (a local store's temp files) is gone when the
 * interruption completes.
 */
import * as Effect from "effect/Effect"
import { StoreError } from "./ObjectStore.ts"

/** A failure whose message is already fit for StoreError.detail; its `cause` is kept as the root cause. */
export class StoreFailure extends Error {}

export interface StoreTask {
  readonly location: string
  readonly operation: string
  readonly key: string
  /** Words for a failure the store did not describe itself (an SDK or file system error). */
  readonly detailOf: (cause: unknown) => string
  /** Whether another attempt may succeed, for a failure the store did not describe itself. */
  readonly transientOf?: (cause: unknown) => boolean
}

export const messageOf = (cause: unknown): string => cause instanceof Error ? cause.message : String(cause)

export const storeTask = <A>(
  { detailOf, key, location, operation, transientOf }: StoreTask,
  task: (signal: AbortSignal) => Promise<A>
): Effect.Effect<A, StoreError> =>
  Effect.callback<A, StoreError>((resume) => {
    const controller = new AbortController()
    // Started in a promise so that a task that throws before its first await fails the same way.
    const settled = Promise.resolve().then(() => task(controller.signal)).then(
      (value) => resume(Effect.succeed(value)),
      (cause: unknown) => {
        const described = cause instanceof StoreFailure
        const detail = described ? cause.message : detailOf(cause)
        const transient = !described && transientOf?.(cause) === true
        resume(Effect.fail(new StoreError({ operation, key, location, detail, ...(transient ? { transient } : {}), cause: described ? cause.cause : cause })))
      }
    )
    return Effect.promise(() => {
      controller.abort()
      return settled
    })
  })
