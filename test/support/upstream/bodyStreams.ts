/**
 * Response bodies as a network delivers them: in chunks, counted as they go, and cut
 * short on demand.
 */
const CHUNK = 64 * 1024

/** Serves `bytes` in 64 KiB chunks, on demand, so a reader that stops early stops the sending. */
export const chunkedStream = (bytes: Uint8Array): ReadableStream<Uint8Array> => {
  let offset = 0
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      if (offset >= bytes.byteLength) return controller.close()
      const end = Math.min(offset + CHUNK, bytes.byteLength)
      controller.enqueue(bytes.subarray(offset, end))
      offset = end
    },
  })
}

/**
 * How a fake upstream ends a body early: the connection closes (`reset: false`, a FIN
 * after a short body) or is reset (`reset: true`). Over HTTP/1.1 with a Content-Length
 * a client sees both as an error, so the body stream errors either way; the local
 * server turns it into the matching socket end.
 */
export class ConnectionCut extends Error {
  override readonly name = "ConnectionCut"
  readonly reset: boolean
  constructor(reset: boolean, bytes: number) {
    super(`fake upstream ${reset ? "reset" : "closed"} the connection after ${bytes} body bytes`)
    this.reset = reset
  }
}

// Long enough for bytes already sent to reach the reader before the connection goes (msw
// destroys its socket at once, dropping what its HTTP parser has not read yet).
const FLUSH_MS = 10

/** Passes the first `limit` bytes of `source`, then cuts the connection (see `ConnectionCut`). */
export const cutAfter = (
  source: ReadableStream<Uint8Array>,
  limit: number,
  how: "close" | "reset",
): ReadableStream<Uint8Array> => {
  const reader = source.getReader()
  let passed = 0
  const cut = async (controller: ReadableStreamDefaultController<Uint8Array>) => {
    void reader.cancel().catch(() => {})
    await new Promise((resolve) => setTimeout(resolve, FLUSH_MS))
    controller.error(new ConnectionCut(how === "reset", passed))
  }
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (passed >= limit) return cut(controller)
      const { done, value } = await reader.read()
      if (done) return cut(controller)
      const part = value.subarray(0, limit - passed)
      passed += part.byteLength
      controller.enqueue(part)
    },
    cancel(reason) {
      return reader.cancel(reason)
    },
  })
}

/** Calls `onBytes` with each chunk's size as the reader takes it. */
export const counted = (
  source: ReadableStream<Uint8Array>,
  onBytes: (n: number) => void,
): ReadableStream<Uint8Array> =>
  source.pipeThrough(
    new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, controller) {
        onBytes(chunk.byteLength)
        controller.enqueue(chunk)
      },
    }),
  )

/** Passes the first `limit` bytes of `source`, then never another byte nor an end (until cancelled). */
export const stallAfter = (source: ReadableStream<Uint8Array>, limit: number): ReadableStream<Uint8Array> => {
  const reader = source.getReader()
  let passed = 0
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (passed >= limit) return new Promise<void>(() => {})
      const { done, value } = await reader.read()
      if (done) return new Promise<void>(() => {})
      const part = value.subarray(0, limit - passed)
      passed += part.byteLength
      controller.enqueue(part)
    },
    cancel(reason) {
      return reader.cancel(reason)
    },
  })
}

/** Re-chunks `source` into pieces of `bytes`, one every `everyMs`. */
export const trickled = (source: ReadableStream<Uint8Array>, bytes: number, everyMs: number): ReadableStream<Uint8Array> => {
  const reader = source.getReader()
  let pending = new Uint8Array(0)
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      await new Promise((resolve) => setTimeout(resolve, everyMs))
      while (pending.byteLength < bytes) {
        const { done, value } = await reader.read()
        if (done) break
        const joined = new Uint8Array(pending.byteLength + value.byteLength)
        joined.set(pending)
        joined.set(value, pending.byteLength)
        pending = joined
      }
      if (pending.byteLength === 0) return controller.close()
      controller.enqueue(pending.slice(0, bytes))
      pending = pending.subarray(bytes)
    },
    cancel(reason) {
      return reader.cancel(reason)
    },
  })
}

/** The first `limit` bytes of `source`, then a clean end: what a client that trusts a short Content-Length reads. */
export const firstBytes = (source: ReadableStream<Uint8Array>, limit: number): ReadableStream<Uint8Array> => {
  const reader = source.getReader()
  let passed = 0
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      const { done, value } = passed >= limit ? { done: true as const, value: undefined } : await reader.read()
      if (done) {
        void reader.cancel().catch(() => {})
        return controller.close()
      }
      const part = value.subarray(0, limit - passed)
      passed += part.byteLength
      controller.enqueue(part)
    },
    cancel(reason) {
      return reader.cancel(reason)
    },
  })
}
