/** Reads a whole stream into one array: only for bodies whose size is known to be small. */
export class TooManyBytes extends Error {}

export const readAll = async (stream: ReadableStream<Uint8Array> | null, maxBytes = Infinity): Promise<Uint8Array<ArrayBuffer>> => {
  const chunks: Array<Uint8Array> = []
  let total = 0
  for await (const chunk of stream ?? []) {
    if ((total += chunk.byteLength) > maxBytes) throw new TooManyBytes(`more than ${maxBytes} bytes`)
    chunks.push(chunk)
  }
  const bytes = new Uint8Array(total)
  chunks.reduce((offset, chunk) => (bytes.set(chunk, offset), offset + chunk.byteLength), 0)
  return bytes
}
