/**
 * Text made piece by piece → a byte stream and its exact length, so a large report goes to
 * the store (S3 needs the length of a streamed body up front) without ever being one string.
 * The pieces are made twice: once to count the bytes, once to send them.
 */
const CHUNK_BYTES = 64 * 1024

const utf8Length = (text: string): number => {
  let bytes = text.length
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    if (c < 0x80) continue
    if (c < 0x800) {
      bytes += 1
    } else {
      bytes += 2
      // A surrogate pair is 4 bytes for its 2 code units; a lone surrogate becomes U+FFFD (3).
      const next = text.charCodeAt(i + 1)
      if (c >= 0xd800 && c <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) i++
    }
  }
  return bytes
}

export interface StreamedText {
  readonly body: ReadableStream<Uint8Array>
  readonly contentLength: number
}

export const streamedText = (pieces: () => Iterable<string>): StreamedText => {
  let contentLength = 0
  for (const piece of pieces()) contentLength += utf8Length(piece)
  const encoder = new TextEncoder()
  let iterator: Iterator<string> | undefined
  // What is left of a piece the last chunk had no room for.
  let pending: string | undefined
  const body = new ReadableStream<Uint8Array>({
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
  return { body, contentLength }
}
