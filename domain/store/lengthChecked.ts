/**
 * A streamed body held to its announced length: a longer one errors at the first byte too
 * many, a shorter one at its end, before its last chunk is released (tapStream), so no store
 * completes an object with it. One check for every store.
 */
import { tapStream } from "../bytes/tapStream.ts"
import { StoreFailure } from "./storeTask.ts"

export const lengthChecked = (body: ReadableStream<Uint8Array>, length: number): ReadableStream<Uint8Array> => {
  let bytes = 0
  return tapStream(body, {
    chunk: (chunk) => {
      if ((bytes += chunk.byteLength) > length) throw new StoreFailure(`the body is longer than its contentLength of ${length} bytes`)
    },
    end: () => {
      if (bytes !== length) throw new StoreFailure(`the body ended after ${bytes} of its ${length} bytes`)
    }
  })
}
