/**
 * Text made piece by piece → a byte stream, so a large report goes to the store without
 * ever being one string, and is made once: the stores take a streamed body of unknown
 * length (S3 in parts as it comes), so nothing counts the bytes up front.
 */
/** 1 MB chunks cost ~35 MB more peak RSS at 1 M series than 64 KB ones, for no measurable time. */
const CHUNK_BYTES = 64 * 1024

/** A piece of a file's text: a string, or text already encoded as UTF-8 (a batch of rows, see bestYearBytes.ts). */
export type TextPiece = string | Uint8Array

const decoder = new TextDecoder()

/** The pieces as one string (tests, small documents). */
export const textOf = (pieces: Iterable<TextPiece>): string => {
  let text = ""
  for (const piece of pieces) text += typeof piece === "string" ? piece : decoder.decode(piece)
  return text
}

export const streamedText = (pieces: () => Iterable<TextPiece>): ReadableStream<Uint8Array> => {
  const encoder = new TextEncoder()
  let iterator: Iterator<TextPiece> | undefined
  // What is left of a piece the last chunk had no room for.
  let pending: TextPiece | undefined
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
        if (typeof piece !== "string") {
          const taken = Math.min(piece.byteLength, CHUNK_BYTES - used)
          chunk.set(piece.subarray(0, taken), used)
          used += taken
          if (taken < piece.byteLength) {
            pending = piece.subarray(taken)
            break
          }
          continue
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
