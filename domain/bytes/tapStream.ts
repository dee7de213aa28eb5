/**
 * A body read through, with hooks that see each chunk and the end as the consumer pulls
 * them. The last chunk is held back until `end` has run, so a refusal at the end (a wrong
 * length, bytes the store already holds) errors the stream before its last byte reaches a
 * store streaming it on: no such upload can complete. One helper for the three taps on a
 * download (count and hash, the same-bytes check, the progress counter).
 */
export interface Tap {
  readonly chunk?: (chunk: Uint8Array) => void
  /** After the last chunk was seen, before it is released; a throw errors the stream instead. */
  readonly end?: () => void
  /** The source's own failure (a broken connection), before the stream errors with it. */
  readonly failed?: (error: unknown) => void
  /** The consumer gave up. */
  readonly cancelled?: (reason: unknown) => void
}

export const tapStream = (body: ReadableStream<Uint8Array>, tap: Tap): ReadableStream<Uint8Array> => {
  const reader = body.getReader()
  let held: Uint8Array | undefined
  // A read pending when the consumer cancels resolves as done: that is no end of the body.
  let cancelled = false
  return new ReadableStream<Uint8Array>({
    // Each pull releases a chunk or ends: one that released nothing would not be called again.
    pull: async (controller) => {
      for (;;) {
        let read: ReadableStreamReadResult<Uint8Array>
        try {
          read = await reader.read()
        } catch (error) {
          if (!cancelled) tap.failed?.(error)
          throw error
        }
        if (cancelled) return
        // An empty chunk must not push the held one out before the end is verified.
        if (!read.done && read.value.byteLength === 0) continue
        try {
          if (read.done) {
            tap.end?.()
            if (held !== undefined) controller.enqueue(held)
            return controller.close()
          }
          tap.chunk?.(read.value)
        } catch (error) {
          // A hook refused the body: the source (a download) is dropped too.
          await reader.cancel(error).catch(() => undefined)
          throw error
        }
        const release = held
        held = read.value
        if (release !== undefined) return controller.enqueue(release)
      }
    },
    cancel: (reason) => {
      cancelled = true
      tap.cancelled?.(reason)
      return reader.cancel(reason)
    }
  })
}
