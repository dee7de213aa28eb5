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
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      iterator ??= pieces()[Symbol.iterator]()
      // Gather pieces to about CHUNK_BYTES, then encode them at once.
      let text = ""
      while (text.length < CHUNK_BYTES) {
        const next = iterator.next()
        if (next.done) break
        text += next.value
      }
      if (text === "") return controller.close()
      controller.enqueue(encoder.encode(text))
    },
    cancel() {
      iterator?.return?.()
    }
  })
  return { body, contentLength }
}
