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
    const run = Effect.runCallbackWith(yield* Effect.context<never>())
    let out!: ReadableStreamDefaultController<Uint8Array>
    /** Past `ms` on Effect's clock the body errors and is cancelled, unless the returned function stops it first. */
    const bound = (ms: number, reason: string) =>
      run(Effect.sleep(ms), {
        onExit: (exit) => {
          if (exit._tag === "Failure") return
          out.error(new TransferTimeout(reason))
          void reader.cancel().catch(() => undefined)
        }
      })
    const stopDeadline = bound(deadlineMs - ((yield* Clock.currentTimeMillis) - startedAt), `the transfer took longer than ${seconds(deadlineMs)}`)
    // A bound may have errored the stream already: then closing it throws, and that is fine.
    const end = (how: () => void) => {
      stopDeadline()
      try { how() } catch { /* errored by a bound */ }
    }
    const body = new ReadableStream<Uint8Array>({
      start: (controller) => void (out = controller),
      pull: async () => {
        const stopIdle = bound(idleMs, `the body stalled: no data for ${seconds(idleMs)}`)
        try {
          const chunk = await reader.read()
          if (chunk.done) end(() => out.close())
          else out.enqueue(chunk.value)
        } catch (error) {
          end(() => out.error(error))
        } finally {
          stopIdle()
        }
      },
      cancel: (reason) => {
        stopDeadline()
        return reader.cancel(reason).catch(() => undefined)
      }
    })
    return { ...response, body }
  })
