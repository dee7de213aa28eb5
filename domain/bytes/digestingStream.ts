/**
 * A pass-through stream that counts the bytes flowing through it, and hashes them when
 * given a hash, so a download can be verified while it streams to the store (memory stays
 * one chunk deep). A body that ends up whole in memory needs no hash on the way: its
 * one-shot digest (sha256Hex.ts) is native everywhere.
 */
import type { IncrementalHash } from "./streamingSha256.ts"
import { bodyFailureReason } from "../http/bodyFailure.ts"

export interface Digest {
  readonly bytes: number
  readonly sha256: string
}

export interface DigestingStream {
  readonly stream: TransformStream<Uint8Array, Uint8Array>
  /** Set once the whole body went through and matched the expected length. */
  readonly bytes: () => number | undefined
  /** Set then too, when the stream was given a hash. */
  readonly sha256: () => string | undefined
  /** Why the body was refused (short, long, or broken), if it was. */
  readonly failure: () => string | undefined
}

/** `expectedBytes`, when known, is enforced: a short or long body errors the stream. */
export const digestingStream = (expectedBytes?: number, hash?: IncrementalHash): DigestingStream => {
  let bytes = 0
  let whole: number | undefined
  let sha256: string | undefined
  let failure: string | undefined
  const stream = new TransformStream<Uint8Array, Uint8Array>({
    transform(chunk, controller) {
      bytes += chunk.byteLength
      if (expectedBytes !== undefined && bytes > expectedBytes) {
        failure = `body is longer than the announced ${expectedBytes} bytes`
        controller.error(new Error(failure))
        return
      }
      hash?.update(chunk)
      controller.enqueue(chunk)
    },
    flush(controller) {
      if (expectedBytes !== undefined && bytes !== expectedBytes) {
        failure = `body ended after ${bytes} of ${expectedBytes} bytes`
        controller.error(new Error(failure))
        return
      }
      whole = bytes
      sha256 = hash?.digestHex()
    }
  })
  return {
    stream,
    bytes: () => whole,
    sha256: () => sha256,
    failure: () => failure
  }
}

/** Pipes `body` through the count (and `hash`); an upstream error (reset connection) is recorded too. */
export const digestBody = (body: ReadableStream<Uint8Array>, expectedBytes?: number, hash?: IncrementalHash) => {
  const digesting = digestingStream(expectedBytes, hash)
  let upstreamError: string | undefined
  // Record a broken source separately from a refused length, for the error message.
  const reader = body.getReader()
  const source = new ReadableStream<Uint8Array>({
    async pull(controller) {
      let chunk: ReadableStreamReadResult<Uint8Array>
      try {
        chunk = await reader.read()
      } catch (error) {
        upstreamError = bodyFailureReason(error)
        controller.error(error)
        return
      }
      // Only the source's own failure is recorded: a consumer that gave up (a store that
      // refused the put) cancels this stream, and that is the consumer's error to report.
      if (chunk.done) controller.close()
      else controller.enqueue(chunk.value)
    },
    cancel: (reason) => reader.cancel(reason)
  })
  return {
    body: source.pipeThrough(digesting.stream),
    bytes: digesting.bytes,
    sha256: digesting.sha256,
    failure: () => upstreamError ?? digesting.failure()
  }
}
