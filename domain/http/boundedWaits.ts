/**
 * No wait on a source is unbounded: the response headers must come within `idleMs`, each
 * body chunk within `idleMs` of being asked for (time the consumer spends elsewhere does
 * not count), and the whole transfer must end within `deadlineMs`. Past a bound the body
 * is cancelled, which frees the connection, and errors with a TransferTimeout that says
 * which bound. The bounds run on Effect's clock, whatever the transport, so tests drive
 * them with TestClock.
 */
import * as Clock from "effect/Clock"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import { type HttpResponse, HttpTransportError, TransferTimeout } from "./HttpClient.ts"

const seconds = (ms: number) => `${Number((ms / 1000).toFixed(1))} s`

/** Calls `then` after `ms` of Effect's clock, unless the returned function stops it first. */
type Timer = (ms: number, then: () => void) => () => void

const guardedBody = (body: ReadableStream<Uint8Array>, idleMs: number, deadline: { leftMs: number; ms: number }, after: Timer) => {
  const reader = body.getReader()
  let failure: TransferTimeout | undefined
  let wake = (_: TransferTimeout) => {}
  const trip = (error: TransferTimeout) => {
    failure ??= error
    wake(error)
  }
  const stopDeadline = after(deadline.leftMs, () => trip(new TransferTimeout(`the transfer took longer than ${seconds(deadline.ms)}`)))
  return new ReadableStream<Uint8Array>({
    async pull(out) {
      const stopIdle = after(idleMs, () => trip(new TransferTimeout(`the body stalled: no data for ${seconds(idleMs)}`)))
      try {
        if (failure !== undefined) throw failure
        // Nothing outlives the pull but the reader: a chunk handed on is not kept reachable.
        const chunk = await Promise.race([reader.read(), new Promise<never>((_, reject) => (wake = reject))])
        if (chunk.done) {
          stopDeadline()
          out.close()
        } else {
          out.enqueue(chunk.value)
        }
      } catch (error) {
        stopDeadline()
        void reader.cancel(error).catch(() => undefined)
        out.error(failure ?? error)
      } finally {
        stopIdle()
        wake = () => {}
      }
    },
    cancel(reason) {
      stopDeadline()
      return reader.cancel(reason).catch(() => undefined)
    }
  })
}

export const boundedResponse = (
  send: Effect.Effect<HttpResponse, HttpTransportError>,
  url: string,
  bounds: { readonly idleMs: number; readonly deadlineMs: number }
): Effect.Effect<HttpResponse, HttpTransportError> =>
  Effect.gen(function*() {
    const startedAt = yield* Clock.currentTimeMillis
    const headersMs = Math.min(bounds.idleMs, bounds.deadlineMs)
    const response = yield* Effect.timeoutOrElse(send, {
      duration: Duration.millis(headersMs),
      orElse: () => Effect.fail(new HttpTransportError({ url, timedOut: true, detail: `no response headers within ${seconds(headersMs)}` }))
    })
    if (response.body === null) return response
    const services = yield* Effect.context<never>()
    const after: Timer = (ms, then) => Effect.runCallbackWith(services)(Effect.sleep(Duration.millis(ms)), { onExit: (exit) => exit._tag === "Success" && then() })
    const leftMs = bounds.deadlineMs - ((yield* Clock.currentTimeMillis) - startedAt)
    return { ...response, body: guardedBody(response.body, bounds.idleMs, { leftMs, ms: bounds.deadlineMs }, after) }
  })
