/**
 * No wait on a source is unbounded: the response headers must come within `idleMs`, each
 * body chunk within `idleMs` of being asked for (time the consumer spends elsewhere does
 * not count), and the whole transfer must end within `deadlineMs`. Past a bound the body
 * is cancelled, which frees the connection, and errors with a TransferTimeout that says
 * which bound. The bounds run on Effect's clock, so tests drive them with TestClock.
 */
import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import * as Stream from "effect/Stream"
import { type HttpResponse, HttpTransportError, TransferTimeout } from "./HttpClient.ts"

const seconds = (ms: number) => `${Number((ms / 1000).toFixed(1))} s`

export const boundedResponse = (
  send: Effect.Effect<HttpResponse, HttpTransportError>,
  url: string,
  { idleMs, deadlineMs }: { readonly idleMs: number; readonly deadlineMs: number }
): Effect.Effect<HttpResponse, HttpTransportError> =>
  Effect.gen(function*() {
    const startedAt = yield* Clock.currentTimeMillis
    const headersMs = Math.min(idleMs, deadlineMs)
    const response = yield* Effect.timeoutOrElse(send, {
      duration: headersMs,
      orElse: () => Effect.fail(new HttpTransportError({ url, detail: `no response headers within ${seconds(headersMs)}` }))
    })
    const { body } = response
    if (body === null) return response
    const leftMs = deadlineMs - ((yield* Clock.currentTimeMillis) - startedAt)
    const guarded = Stream.fromReadableStream({ evaluate: () => body, onError: (error) => error }).pipe(
      Stream.timeoutOrElse({
        duration: idleMs,
        orElse: () => Stream.fail(new TransferTimeout(`the body stalled: no data for ${seconds(idleMs)}`))
      }),
      Stream.interruptWhen(Effect.andThen(
        Effect.sleep(leftMs),
        Effect.fail(new TransferTimeout(`the transfer took longer than ${seconds(deadlineMs)}`))
      ))
    )
    return { ...response, body: Stream.toReadableStreamWith(guarded, yield* Effect.context<never>()) }
  })
