/**
 * The fake upstreams as an HttpClient on Effect's clock, for tests on TestClock: a
 * request waits its latency with Effect.sleep, then the virtual upstream answers in
 * memory (no msw, no socket). `runOnTestClock` advances the clock step by step, letting
 * the in-memory work settle between steps, until the program ends.
 */
import * as Clock from "effect/Clock"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Fiber from "effect/Fiber"
import * as Layer from "effect/Layer"
import * as Logger from "effect/Logger"
import * as TestClock from "effect/testing/TestClock"
import { HttpClient } from "../../../domain/http/HttpClient.ts"
import { SourceHttp, sourceHttpLayer, type SourcePolicy } from "../../../domain/http/SourceHttp.ts"
import type { ContactRequired } from "../../../domain/http/sourceErrors.ts"
import { ObjectStore, type ObjectStoreShape } from "../../../domain/store/ObjectStore.ts"
import { testPolicy } from "../pipelineLayer.ts"
import type { VirtualUpstream } from "./virtualUpstream.ts"

export const clockedHttpLayer = (upstream: VirtualUpstream, latencyMs: (url: URL) => number) =>
  Layer.succeed(HttpClient, HttpClient.of({
    send: (request) =>
      Effect.sleep(Duration.millis(latencyMs(new URL(request.url)))).pipe(
        Effect.andThen(Effect.promise((signal) =>
          upstream.handle(new Request(request.url, { headers: request.headers, signal }))
        )),
        Effect.map((response) => ({ url: request.url, status: response.status, headers: response.headers, body: response.body }))
      )
  }))

/**
 * The program's Exit, what it logged (the values passed to Effect.log*) and how long it
 * took on the test clock (which starts at 0), after running it on a TestClock.
 */
export const runOnTestClock = async <A, E>(
  program: Effect.Effect<A, E, ObjectStore | SourceHttp>,
  options: {
    readonly upstream: VirtualUpstream
    readonly store: ObjectStoreShape
    readonly latencyMs?: (url: URL) => number
    readonly policy?: Partial<SourcePolicy>
    /** How far the clock moves at each step. */
    readonly stepMs: number
  }
) => {
  const logs: Array<{ readonly level: string; readonly message: ReadonlyArray<unknown> }> = []
  const services = Layer.mergeAll(
    Layer.succeed(ObjectStore, options.store),
    sourceHttpLayer({ ...testPolicy, ...options.policy }).pipe(Layer.provide(clockedHttpLayer(options.upstream, options.latencyMs ?? (() => 0))))
  )
  const logger = Logger.layer([Logger.make(({ logLevel, message }) => void logs.push({ level: logLevel, message: [message].flat() }))])
  const driven = Effect.gen(function*() {
    const fiber = yield* Effect.forkChild(Effect.exit(Effect.provide(program, services)))
    while (fiber.pollUnsafe() === undefined) {
      // Real time for the in-memory work to settle, then the test's time moves on.
      yield* Effect.promise(() => new Promise((resolve) => setTimeout(resolve, 1)))
      yield* TestClock.adjust(Duration.millis(options.stepMs))
    }
    return { exit: yield* Fiber.join(fiber), elapsedMs: yield* Clock.currentTimeMillis }
  })
  const { exit, elapsedMs }: { exit: Exit.Exit<A, E | ContactRequired>; elapsedMs: number } = await Effect.runPromise(
    driven.pipe(Effect.provide(TestClock.layer()), Effect.provide(logger))
  )
  return { exit, logs, elapsedMs }
}
