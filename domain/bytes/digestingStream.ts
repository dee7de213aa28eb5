/**
 * A pass-through stream that counts the bytes flowing through it, and hashes them when
 * given a hash, so a download is verified while it streams to the store (memory stays one
 * chunk deep).
 */
import { bodyFailureReason } from "../http/bodyFailure.ts"
import type { IncrementalHash } from "./streamingSha256.ts"

/** `expectedBytes`, when known, is enforced: a short or long body errors the stream. */
export const digestingStream = (expectedBytes?: number, hash?: IncrementalHash) => {
  let bytes = 0
  let whole: number | undefined
  let sha256: string | undefined
  let failure: string | undefined
  const refuse = (reason: string) => {
    throw new Error(failure = reason)
  }
  const stream = new TransformStream<Uint8Array, Uint8Array>({
    transform(chunk, controller) {
      bytes += chunk.byteLength
      if (expectedBytes !== undefined && bytes > expectedBytes) refuse(`body is longer than the announced ${expectedBytes} bytes`)
      hash?.update(chunk)
      controller.enqueue(chunk)
    },
    flush() {
      if (expectedBytes !== undefined && bytes !== expectedBytes) refuse(`body ended after ${bytes} of ${expectedBytes} bytes`)
      whole = bytes
      sha256 = hash?.digestHex()
    }
  })
  return {
    stream,
    /** Set once the whole body went through (and matched the expected length); sha256 too, given a hash. */
    bytes: () => whole,
    sha256: () => sha256,
    /** Why the body was refused (short, long, or broken), if it was. */
    failure: () => failure
  }
}

/**
 * Pipes `body` through the count (and `hash`). Only the source's own failure (a reset
 * connection) is recorded besides: a consumer that gave up (a store that refused the put)
 * cancels the stream, and that is the consumer's error to report.
 */
export const digestBody = (body: ReadableStream<Uint8Array>, expectedBytes?: number, hash?: IncrementalHash) => {
  const digesting = digestingStream(expectedBytes, hash)
  let upstreamError: string | undefined
  const reader = body.getReader()
  const source = new ReadableStream<Uint8Array>({
    pull: (controller) =>
      reader.read().then((chunk) => chunk.done ? controller.close() : controller.enqueue(chunk.value), (error: unknown) => {
        upstreamError = bodyFailureReason(error)
        controller.error(error)
      }),
    cancel: (reason) => reader.cancel(reason)
  })
  return { ...digesting, body: source.pipeThrough(digesting.stream), failure: () => upstreamError ?? digesting.failure() }
}
