/** Reads a whole stream into one array: only for bodies whose size is known to be small. */
export class TooManyBytes extends Error {
  readonly limit: number
  constructor(limit: number) {
    super(`more than ${limit} bytes`)
    this.limit = limit
  }
}

export const readAll = async (stream: ReadableStream<Uint8Array> | null, maxBytes = Infinity): Promise<Uint8Array<ArrayBuffer>> => {
  const chunks: Array<Uint8Array> = []
  let total = 0
  if (stream !== null) {
    for await (const chunk of stream) {
      total += chunk.byteLength
      if (total > maxBytes) throw new TooManyBytes(maxBytes)
      chunks.push(chunk)
    }
  }
  const bytes = new Uint8Array(total)
  let offset = 0
  for (const chunk of chunks) {
    bytes.set(chunk, offset)
    offset += chunk.byteLength
  }
  return bytes
}
