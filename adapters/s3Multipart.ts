/**
 * A streamed body into S3 in sized parts, with memory bounded per store rather than per
 * upload: every upload of one store draws its part buffers from one {@link PartPool}, so
 * four files streaming at once hold no more than one file does. Each buffer is filled
 * from the stream by copying chunks into it (one copy) and is reused once its part is up.
 *
 * Why not `@aws-sdk/lib-storage`'s Upload: it buffers each upload on its own (queueSize ×
 * partSize each, times the sync's concurrency) and gathers a part by concatenating its
 * chunks, so a 256 MB body peaked about 120 MB above the idle process where this pool
 * stays at its size (bench/sync.bench.ts and the notes in the README).
 *
 * Parts carry a plain Content-Length (never the SDK's `aws-chunked` framing) and, when the
 * client computes checksums (its default), a CRC32 that S3 checks. The object appears
 * only on CompleteMultipartUpload; any failure aborts the upload, so the previous object
 * stays and no parts are left to pay for. A body that fits in one part is one PutObject.
 */
import {
  AbortMultipartUploadCommand,
  type CompletedPart,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  PutObjectCommand,
  type S3Client,
  UploadPartCommand
} from "@aws-sdk/client-s3"

/** S3's smallest part is 5 MiB (but the last); 8 MiB is the size AWS's own tools use. */
export const PART_BYTES = 8 * 1024 * 1024
const MAX_PARTS = 10_000

/** A fixed number of reusable part buffers, handed out in turn. */
export interface PartPool {
  readonly acquire: (bytes: number) => Promise<Uint8Array>
  readonly release: (buffer: Uint8Array) => void
}

export const makePartPool = (buffers: number): PartPool => {
  const free: Array<Uint8Array> = []
  let created = 0
  const waiting: Array<() => void> = []
  return {
    acquire: async (bytes) => {
      for (;;) {
        const reusable = free.findIndex((buffer) => buffer.byteLength >= bytes)
        if (reusable >= 0) return free.splice(reusable, 1)[0]!
        if (created < buffers) {
          created += 1
          return new Uint8Array(bytes)
        }
        // A buffer too small for this part (a part size above 8 MiB, past 80 GB) is dropped for a larger one.
        if (free.length > 0) {
          free.pop()
          created -= 1
          continue
        }
        await new Promise<void>((resolve) => waiting.push(resolve))
      }
    },
    release: (buffer) => {
      free.push(buffer)
      waiting.shift()?.()
    }
  }
}

export interface MultipartTarget {
  readonly Bucket: string
  readonly Key: string
  readonly ContentType: string | undefined
  readonly Metadata: Record<string, string>
}

/**
 * Uploads `body`: `contentLength` bytes when given (the body must deliver exactly that many;
 * the caller checks), else whatever it holds, in 8 MiB parts (up to 80 GiB: S3's 10,000
 * parts). Resolves to the object's ETag. Rejects after aborting the upload when the body, a
 * part or `signal` fails.
 */
export const uploadInParts = async (
  client: S3Client,
  target: MultipartTarget,
  body: ReadableStream<Uint8Array>,
  contentLength: number | undefined,
  pool: PartPool,
  signal: AbortSignal
): Promise<string> => {
  const partSize = contentLength === undefined ? PART_BYTES : Math.max(PART_BYTES, Math.ceil(contentLength / MAX_PARTS))
  const withChecksum = (await client.config.requestChecksumCalculation()) === "WHEN_SUPPORTED"
  const reader = body.getReader()
  let pending: Uint8Array | undefined
  let ended = false

  /** Fills `buffer` from the body; the bytes it holds (fewer only at the end). */
  const fill = async (buffer: Uint8Array) => {
    let filled = 0
    while (filled < buffer.byteLength) {
      if (pending === undefined) {
        const chunk = await reader.read()
        if (chunk.done) {
          ended = true
          break
        }
        pending = chunk.value
      }
      const take = Math.min(pending.byteLength, buffer.byteLength - filled)
      buffer.set(pending.subarray(0, take), filled)
      filled += take
      pending = take === pending.byteLength ? undefined : pending.subarray(take)
    }
    return filled
  }

  let uploadId: string | undefined
  const inFlight = new Set<Promise<void>>()
  const parts: Array<CompletedPart> = []
  let failure: unknown
  try {
    const first = await pool.acquire(partSize)
    const firstBytes = await fill(first)
    // Only the end of the body tells a one-part object from a multipart one.
    if (firstBytes < partSize || (await peekEnd())) {
      try {
        const put = await client.send(new PutObjectCommand({ ...target, Body: first.subarray(0, firstBytes), ContentLength: firstBytes }), { abortSignal: signal })
        return put.ETag ?? ""
      } finally {
        pool.release(first)
      }
    }
    const created = await client.send(
      new CreateMultipartUploadCommand({ ...target, ...(withChecksum ? { ChecksumAlgorithm: "CRC32" } : {}) }),
      { abortSignal: signal }
    )
    uploadId = created.UploadId
    const send = (buffer: Uint8Array, bytes: number, partNumber: number) => {
      const sent = client.send(
        new UploadPartCommand({
          Bucket: target.Bucket,
          Key: target.Key,
          UploadId: uploadId,
          PartNumber: partNumber,
          Body: buffer.subarray(0, bytes),
          ContentLength: bytes,
          ...(withChecksum ? { ChecksumAlgorithm: "CRC32" } : {})
        }),
        { abortSignal: signal }
      ).then(
        (answer) => void parts.push({ PartNumber: partNumber, ETag: answer.ETag, ChecksumCRC32: answer.ChecksumCRC32 }),
        (cause: unknown) => void (failure ??= cause)
      ).finally(() => {
        pool.release(buffer)
        inFlight.delete(sent)
      })
      inFlight.add(sent)
    }
    send(first, firstBytes, 1)
    for (let partNumber = 2; !ended && failure === undefined; partNumber++) {
      if (partNumber > MAX_PARTS) {
        throw new Error(`the body is longer than S3's ${MAX_PARTS} parts of ${partSize} bytes; give its contentLength for larger parts`)
      }
      const buffer = await pool.acquire(partSize)
      const bytes = failure === undefined ? await fill(buffer) : 0
      if (bytes === 0 || failure !== undefined) {
        pool.release(buffer)
        break
      }
      send(buffer, bytes, partNumber)
    }
    await Promise.all(inFlight)
    if (failure !== undefined) throw failure
    parts.sort((a, b) => a.PartNumber! - b.PartNumber!)
    const completed = await client.send(
      new CompleteMultipartUploadCommand({ Bucket: target.Bucket, Key: target.Key, UploadId: uploadId, MultipartUpload: { Parts: parts } }),
      { abortSignal: signal }
    )
    return completed.ETag ?? ""
  } catch (cause) {
    failure ??= cause
    void reader.cancel(cause).catch(() => undefined)
    await Promise.allSettled(inFlight)
    if (uploadId !== undefined) {
      // Not under `signal`: an aborted run must still not leave parts behind.
      await client.send(new AbortMultipartUploadCommand({ Bucket: target.Bucket, Key: target.Key, UploadId: uploadId })).catch(() => undefined)
    }
    throw failure
  }

  /** Whether the body has nothing after the first full part. */
  async function peekEnd() {
    if (pending !== undefined) return false
    const chunk = await reader.read()
    if (chunk.done) {
      ended = true
      return true
    }
    pending = chunk.value
    return false
  }
}
