/**
 * A body read through a count, and a hash when given one, so a download is verified while it
 * streams to the store (memory stays one chunk deep).
 */
import { bodyFailureReason } from "../http/bodyFailure.ts"
import type { IncrementalHash } from "./streamingSha256.ts"
import { tapStream } from "./tapStream.ts"

/**
 * `expectedBytes`, when known, is enforced: a short or long body errors the stream. `atEnd`
 * runs once the whole body is counted and hashed, and may throw to error it. Only the
 * source's own failure (a reset connection) and a wrong length are recorded as `failure`: a
 * consumer that gave up (a store that refused the put) cancels the stream, and that is the
 * consumer's error to report.
 */
export const digestBody = (
  source: ReadableStream<Uint8Array>,
  expectedBytes?: number,
  hash?: IncrementalHash,
  atEnd?: (digest: { readonly bytes: number; readonly sha256: string | undefined }) => void
) => {
  let bytes = 0
  let whole: number | undefined
  let sha256: string | undefined
  let failure: string | undefined
  const refuse = (reason: string) => {
    throw new Error(failure = reason)
  }
  const body = tapStream(source, {
    chunk: (chunk) => {
      bytes += chunk.byteLength
      if (expectedBytes !== undefined && bytes > expectedBytes) refuse(`body is longer than the announced ${expectedBytes} bytes`)
      hash?.update(chunk)
    },
    end: () => {
      if (expectedBytes !== undefined && bytes !== expectedBytes) refuse(`body ended after ${bytes} of ${expectedBytes} bytes`)
      whole = bytes
      sha256 = hash?.digestHex()
      atEnd?.({ bytes, sha256 })
    },
    failed: (error) => void (failure = bodyFailureReason(error))
  })
  return {
    body,
    /** Set once the whole body went through (and matched the expected length); sha256 too, given a hash. */
    bytes: () => whole,
    sha256: () => sha256,
    /** Why the body was refused (short, long, or broken), if it was. */
    failure: () => failure
  }
}
