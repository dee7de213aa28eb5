/**
 * The layers a domain test runs against: the real ofetch client (intercepted by msw),
 * the real SourceHttp policy with short backoffs, and an in-memory store.
 */
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Layer from "effect/Layer"
import * as Logger from "effect/Logger"
import type * as LogLevel from "effect/LogLevel"
import { ofetchHttpLayer } from "../../adapters/ofetchHttp.ts"
import { sourceHttpLayer, type SourcePolicy } from "../../domain/http/SourceHttp.ts"
import { ObjectStore, type ObjectStoreShape } from "../../domain/store/ObjectStore.ts"
import { SourceHttp } from "../../domain/http/SourceHttp.ts"
import type { ContactRequired } from "../../domain/http/sourceErrors.ts"
import { makeMemoryStore, type MemoryStore } from "./memoryStore.ts"

export const testPolicy: SourcePolicy = {
  contact: "quest-tests@example.com",
  requestsPerSecond: 1000,
  timeoutMs: 5_000,
  transferTimeoutMs: 60_000,
  retry: { maxRetries: 3, baseDelayMs: 5, maxDelayMs: 50, maxRetryAfterMs: 5_000 }
}

export const pipelineLayer = (store: ObjectStoreShape, policy: Partial<SourcePolicy> = {}) =>
  Layer.mergeAll(
    Layer.succeed(ObjectStore, store),
    sourceHttpLayer({ ...testPolicy, ...policy }).pipe(Layer.provide(ofetchHttpLayer))
  )

export interface LoggedLine {
  readonly level: LogLevel.LogLevel
  /** The values passed to Effect.log*, e.g. `[summary]`. */
  readonly message: ReadonlyArray<unknown>
}

/** Collects what the domain logs instead of printing it: tests assert on it, CI output stays readable. */
const capturing = (lines: Array<LoggedLine>) =>
  Logger.layer([
    Logger.make(({ logLevel, message }) =>
      void lines.push({ level: logLevel, message: Array.isArray(message) ? message : [message] }))
  ])

/** Drops what the domain logs: for tests that assert on results, not on the log. */
export const withoutLogs = Logger.layer([])

/** Runs a program against `store`, returning its Exit and its log lines. */
export const runWithLogs = async <A, E>(
  program: Effect.Effect<A, E, ObjectStore | SourceHttp>,
  store: MemoryStore = makeMemoryStore(),
  policy: Partial<SourcePolicy> = {}
): Promise<{ readonly exit: Exit.Exit<A, E | ContactRequired>; readonly logs: ReadonlyArray<LoggedLine> }> => {
  const logs: Array<LoggedLine> = []
  const exit = await Effect.runPromiseExit(
    program.pipe(Effect.provide(pipelineLayer(store, policy)), Effect.provide(capturing(logs)))
  )
  return { exit, logs }
}

/** Runs a program against `store`, returning its Exit so tests can assert on failures too. */
export const runWith = async <A, E>(
  program: Effect.Effect<A, E, ObjectStore | SourceHttp>,
  store: MemoryStore = makeMemoryStore(),
  policy: Partial<SourcePolicy> = {}
): Promise<Exit.Exit<A, E | ContactRequired>> => (await runWithLogs(program, store, policy)).exit

/** The typed error of a failed Exit (fails the test when it succeeded or died). */
export const failureOf = <A, E>(exit: Exit.Exit<A, E>): E => {
  if (Exit.isSuccess(exit)) throw new Error(`expected a failure, got ${JSON.stringify(exit.value)}`)
  const failure = exit.cause.reasons.find((reason) => reason._tag === "Fail")
  if (failure === undefined || failure._tag !== "Fail") throw new Error(`expected a typed failure: ${String(exit.cause)}`)
  return failure.error
}

export const valueOf = <A, E>(exit: Exit.Exit<A, E>): A => {
  if (Exit.isFailure(exit)) throw new Error(`expected success: ${String(exit.cause)}`)
  return exit.value
}
