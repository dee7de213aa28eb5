/**
 * No wait on a source is unbounded: the response headers must come within `idleMs`, each
 * body chunk within `idleMs` of being asked for (time the consumer spends elsewhere does
 * not count), and the whole transfer must end within `deadlineMs`. Past a bound the body
 * errors with a TransferTimeout that says which bound and is cancelled, which frees the
 * connection. The bounds run on Effect's clock, so tests drive them with TestClock.
 */
import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
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
    if (response.body === null) return response
    const reader = response.body.getReader()
    const clock = yield* Clock.Clock
    const deadlineAt = startedAt + deadlineMs
    /** When the pending read was asked for; undefined while the consumer is elsewhere. */
    let askedAt: number | undefined
    let out!: ReadableStreamDefaultController<Uint8Array>
    // One watchdog per body, not a timer per chunk: it wakes by the nearer bound, and sleeps on while neither is due.
    const watchdog = Effect.gen(function*() {
      while (true) {
        const now = clock.currentTimeMillisUnsafe()
        if (now >= deadlineAt) return `the transfer took longer than ${seconds(deadlineMs)}`
        if (askedAt !== undefined && now >= askedAt + idleMs) return `the body stalled: no data for ${seconds(idleMs)}`
        yield* Effect.sleep(Math.min(deadlineAt, (askedAt ?? now) + idleMs) - now)
      }
    })
    const stopWatchdog = Effect.runCallbackWith(yield* Effect.context<never>())(watchdog, {
      onExit: (exit) => {
        if (exit._tag === "Failure") return
        out.error(new TransferTimeout(exit.value))
        void reader.cancel().catch(() => undefined)
      }
    })
    // The watchdog may have errored the stream already: then closing it throws, and that is fine.
    const end = (how: () => void) => {
      stopWatchdog()
      try { how() } catch { /* errored by a bound */ }
    }
    const body = new ReadableStream<Uint8Array>({
      start: (controller) => void (out = controller),
      pull: async () => {
        askedAt = clock.currentTimeMillisUnsafe()
        try {
          const chunk = await reader.read()
          if (chunk.done) end(() => out.close())
          else out.enqueue(chunk.value)
        } catch (error) {
          end(() => out.error(error))
        } finally {
          askedAt = undefined
        }
      },
      cancel: (reason) => {
        stopWatchdog()
        return reader.cancel(reason).catch(() => undefined)
      }
    })
    return { ...response, body }
  })
