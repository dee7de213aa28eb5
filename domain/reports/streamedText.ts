/**
 * Text made piece by piece → a byte stream, so a large report goes to the store without
 * ever being one string, and is made once: the stores take a streamed body of unknown
 * length (S3 in parts as it comes), so nothing counts the bytes up front.
 */
/** Large enough that writing a report file to a local folder is a few hundred writes, not thousands. */
const CHUNK_BYTES = 1024 * 1024

export const streamedText = (pieces: () => Iterable<string>): ReadableStream<Uint8Array> => {
  const encoder = new TextEncoder()
  let iterator: Iterator<string> | undefined
  // What is left of a piece the last chunk had no room for.
  let pending: string | undefined
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      iterator ??= pieces()[Symbol.iterator]()
      // Each piece is encoded straight into the chunk, so it is garbage at once: a large
      // report leaves V8 nothing to promote to its old generation (no text built up per chunk).
      const chunk = new Uint8Array(CHUNK_BYTES)
      let used = 0
      while (used < CHUNK_BYTES) {
        let piece = pending
        pending = undefined
        if (piece === undefined) {
          const next = iterator.next()
          if (next.done) break
          piece = next.value
        }
        const { read, written } = encoder.encodeInto(piece, chunk.subarray(used))
        used += written
        if (read < piece.length) {
          pending = piece.slice(read)
          break
        }
      }
      if (used === 0) return controller.close()
      controller.enqueue(chunk.subarray(0, used))
    },
    cancel() {
      iterator?.return?.()
    }
  })
}
