/**
 * HttpClient over ofetch, which uses the runtime's fetch (Node, Deno, Lambda) and is
 * what msw intercepts in tests. ofetch's own retry and error throwing are off, and
 * redirects come back as they are: policy belongs to SourceHttp, where it is typed and
 * tested.
 *
 * Bounds: the headers must arrive within `timeoutMs`, each body chunk within `timeoutMs`
 * of being asked for (time the consumer spends elsewhere does not count), and the whole
 * transfer must end within `deadlineMs`. Past a bound the request is aborted, which frees
 * the connection, and the body errors with a TransferTimeout that says which bound.
 */
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import { ofetch } from "ofetch"
import { HttpClient, type HttpRequest, HttpTransportError, TransferTimeout } from "../domain/http/HttpClient.ts"

const DEFAULT_TIMEOUT_MS = 30_000
const DEFAULT_DEADLINE_MS = 10 * 60_000

const seconds = (ms: number) => `${Number((ms / 1000).toFixed(1))} s`

/** The error at the root of a chain: ofetch wraps fetch's TypeError, which wraps the system error. */
const rootCause = (error: unknown): unknown => {
  let current = error
  for (let depth = 0; depth < 5; depth += 1) {
    const next = current instanceof Error ? current.cause : undefined
    if (next === undefined || next === null) break
    current = next
  }
  return current
}

/** The deepest system error code in the chain (`ENOTFOUND`, `CERT_HAS_EXPIRED`), when there is one. */
const codeOf = (error: unknown): string | undefined => {
  let found: string | undefined
  for (let current = error, depth = 0; current instanceof Error && depth < 6; current = current.cause, depth += 1) {
    const code = (current as { code?: unknown }).code
    if (typeof code === "string") found = code
  }
  return found
}

/**
 * `body`, failing with `controller`'s abort reason once it is aborted, and aborting it when
 * a chunk takes longer than `idleMs` to arrive. `done` runs once the body ends either way.
 */
const guardedBody = (
  body: ReadableStream<Uint8Array>,
  controller: AbortController,
  idleMs: number,
  done: () => void
): ReadableStream<Uint8Array> => {
  const reader = body.getReader()
  let finished = false
  const finish = () => {
    if (!finished) done()
    finished = true
  }
  return new ReadableStream<Uint8Array>({
    async pull(out) {
      const idle = setTimeout(
        () => controller.abort(new TransferTimeout(`the body stalled: no data for ${seconds(idleMs)}`)),
        idleMs
      )
      // A stalled read never settles by itself: the abort reason wins the race.
      // The listener is removed once the read settles: left on the signal, each chunk's
      // race stays reachable through it, and a 1 GiB body stayed in memory whole.
      let fail = () => {}
      const aborted = new Promise<never>((_, reject) => {
        fail = () => reject(controller.signal.reason)
        if (controller.signal.aborted) fail()
        else controller.signal.addEventListener("abort", fail, { once: true })
      })
      try {
        const chunk = await Promise.race([reader.read(), aborted])
        if (chunk.done) {
          finish()
          out.close()
        } else {
          out.enqueue(chunk.value)
        }
      } catch (error) {
        finish()
        void reader.cancel(error).catch(() => undefined)
        out.error(controller.signal.aborted ? controller.signal.reason : error)
      } finally {
        clearTimeout(idle)
        controller.signal.removeEventListener("abort", fail)
        aborted.catch(() => undefined)
      }
    },
    cancel(reason) {
      finish()
      controller.abort(reason)
      return reader.cancel(reason).catch(() => undefined)
    }
  })
}

const send = (request: HttpRequest) =>
  Effect.tryPromise({
    try: async (interrupted) => {
      const controller = new AbortController()
      const onInterrupt = () => controller.abort(interrupted.reason)
      interrupted.addEventListener("abort", onInterrupt)
      const idleMs = request.timeoutMs ?? DEFAULT_TIMEOUT_MS
      const deadlineMs = request.deadlineMs ?? DEFAULT_DEADLINE_MS
      const deadline = setTimeout(
        () => controller.abort(new TransferTimeout(`the transfer took longer than ${seconds(deadlineMs)}`)),
        deadlineMs
      )
      const headers = setTimeout(
        () => controller.abort(new TransferTimeout(`no response headers within ${seconds(idleMs)}`)),
        idleMs
      )
      const done = () => {
        clearTimeout(deadline)
        interrupted.removeEventListener("abort", onInterrupt)
      }
      try {
        const response = await ofetch.raw(request.url, {
          method: request.method ?? "GET",
          headers: request.headers,
          responseType: "stream",
          ignoreResponseError: true,
          redirect: "manual",
          retry: 0,
          signal: controller.signal
        })
        const body = (response._data ?? response.body ?? null) as ReadableStream<Uint8Array> | null
        if (body === null) done()
        return {
          url: request.url,
          status: response.status,
          headers: response.headers,
          body: body === null ? null : guardedBody(body, controller, idleMs, done)
        }
      } catch (error) {
        done()
        throw controller.signal.aborted && controller.signal.reason instanceof TransferTimeout
          ? controller.signal.reason
          : error
      } finally {
        clearTimeout(headers)
      }
    },
    catch: (cause) => {
      const root = rootCause(cause)
      return new HttpTransportError({
        url: request.url,
        timedOut: cause instanceof TransferTimeout || (root instanceof Error && root.name === "TimeoutError"),
        detail: root instanceof Error ? root.message : String(root),
        code: codeOf(cause)
      })
    }
  })

export const ofetchHttpLayer = Layer.succeed(HttpClient, HttpClient.of({ send }))
