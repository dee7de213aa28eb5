/**
 * Text made piece by piece → a byte stream, so a large report goes to the store without
 * ever being one string, and is made once: the stores take a streamed body of unknown
 * length (S3 in parts as it comes), so nothing counts the bytes up front.
 */
/** Pieces are gathered into chunks of about this many characters: one per line would be a store call each. */
const CHUNK_CHARS = 16 * 1024

export const streamedText = (pieces: () => Iterable<string>): ReadableStream<Uint8Array> => {
  const encoder = new TextEncoder()
  let iterator: Iterator<string> | undefined
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      iterator ??= pieces()[Symbol.iterator]()
      let text = ""
      while (text.length < CHUNK_CHARS) {
        const next = iterator.next()
        if (next.done) break
        text += next.value
      }
      if (text === "") controller.close()
      else controller.enqueue(encoder.encode(text))
    },
    cancel() {
      iterator?.return?.()
    }
  })
}
