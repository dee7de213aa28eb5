/**
 * Brings one listed file into the store, asking the source conditionally. A body is
 * verified (length, sha256) before it becomes visible, and bytes the store already holds
 * are never stored again. A small body (or one of unknown size, up to a limit) is held in
 * memory, hashed, then written once with its sha256; a larger one streams to its key,
 * hashed on the way, and if it proves to be the stored bytes the stream fails at its end
 * so the store drops the upload. Memory stays bounded whatever the size.
 */
import * as Effect from "effect/Effect"
import { digestBody } from "../bytes/digestingStream.ts"
import { sha256Hex } from "../bytes/sha256Hex.ts"
import { StreamingSha256 } from "../bytes/streamingSha256.ts"
import { bodyFailureReason } from "../http/bodyFailure.ts"
import { readBody, SourceHttp } from "../http/SourceHttp.ts"
import { TransientSourceFailure } from "../http/sourceErrors.ts"
import { ObjectStore } from "../store/ObjectStore.ts"
import { type MirrorRecord, toMetadata } from "./mirrorMetadata.ts"
import type { FileToFetch } from "./syncPlan.ts"

export interface TransferOutcome {
  readonly name: string
  /** unchanged: the source said 304, or served the bytes the store holds. */
  readonly result: "added" | "updated" | "unchanged"
  readonly bytes: number
  /** What the mirror now knows of the file, and the store's etag of the object it describes. */
  readonly record: MirrorRecord
  readonly etag: string
}

export interface TransferContext {
  readonly key: string
  readonly syncedAt: string
  /** Bodies announced larger than this stream to the store; one of unknown size may hold up to `spoolLimitBytes` in memory. */
  readonly streamAboveBytes: number
  readonly spoolLimitBytes: number
}

const CONTENT_TYPE = "text/plain; charset=utf-8"

const requestHeaders = ({ current, entry }: FileToFetch): Record<string, string> => {
  // A stored copy of another size than listed (a short copy under the real ETag) is asked for unconditionally.
  const record = entry.size === undefined || current?.object.size === entry.size ? current?.record : undefined
  // A mirror keeps the bytes as served: no transfer encoding to undo.
  const headers: Record<string, string> = { "accept-encoding": "identity" }
  if (record?.sourceEtag !== undefined) headers["if-none-match"] = record.sourceEtag
  if (record?.sourceLastModified !== undefined) headers["if-modified-since"] = record.sourceLastModified
  return headers
}

/** Why a body's size cannot be the listed file's, or undefined when it can. */
const sizeProblem = (listed: number | undefined, bytes: number, what: string) =>
  listed === undefined || bytes === listed ? undefined : `${what} ${bytes} bytes, but the listing says ${listed}`

/** One attempt, retried as a unit (but for a store's failure): request, read and verify the whole body, store it. */
const attemptTransfer = (file: FileToFetch, context: TransferContext) =>
  Effect.gen(function*() {
    const source = yield* SourceHttp
    const store = yield* ObjectStore
    const { entry, current } = file
    const fail = (reason: string) => new TransientSourceFailure({ url: entry.url, reason })
    const previous = current?.record
    const response = yield* source.attempt(entry.url, requestHeaders(file))
    const recordOf = (sha256: string | undefined, size: number): MirrorRecord => ({
      sha256,
      size,
      sourceUrl: entry.url,
      sourceEtag: response.headers.get("etag") ?? previous?.sourceEtag,
      sourceLastModified: response.headers.get("last-modified") ?? previous?.sourceLastModified,
      listingDate: entry.modified,
      syncedAt: context.syncedAt
    })
    const outcome = (result: TransferOutcome["result"], bytes: number, record: MirrorRecord, etag = current?.object.etag ?? "") =>
      ({ name: entry.name, result, bytes, record, etag }) satisfies TransferOutcome
    // 304 (only possible with a previous record): the state remembers the new listing date.
    if (response.status === 304) return outcome("unchanged", 0, recordOf(previous?.sha256, previous?.size ?? 0))

    // A compressed answer's Content-Length counts the encoded bytes, not the body fetch decodes.
    const encoded = (response.headers.get("content-encoding") ?? "identity").toLowerCase() !== "identity"
    const announced = encoded ? null : response.headers.get("content-length")
    const expected = announced !== null && /^\d+$/.test(announced) ? Number(announced) : undefined
    const wrongLength = expected === undefined ? undefined : sizeProblem(entry.size, expected, "the response announces")
    if (wrongLength !== undefined) {
      yield* Effect.promise(() => response.body?.cancel().catch(() => undefined) ?? Promise.resolve())
      return yield* fail(wrongLength)
    }
    // A body of unknown size is held in memory too (S3 needs a length to stream a put).
    const spool = expected === undefined || expected <= context.streamAboveBytes
    // Held whole, Web Crypto's one-shot digest; streamed, the edge's streaming digest.
    const hash = spool ? undefined : yield* (yield* StreamingSha256).sha256()
    const isStored = (sha256: string | undefined, bytes: number | undefined) =>
      sha256 !== undefined && sha256 === previous?.sha256 && bytes === current?.object.size
    let same = false
    // Streamed: bytes the store already holds fail the put at their end, so the store drops the upload.
    const unlessSame = spool ? undefined : (digest: { readonly bytes: number; readonly sha256: string | undefined }) => {
      same = isStored(digest.sha256, digest.bytes)
      if (same) throw new Error("the stored object already holds these bytes")
    }
    const body = digestBody(response.body ?? new ReadableStream({ start: (c) => c.close() }), expected, hash, unlessSame)

    if (spool) {
      const bytes = yield* readBody(entry.url, body.body, context.spoolLimitBytes, (cause) => body.failure() ?? bodyFailureReason(cause))
      const wrongBody = sizeProblem(entry.size, bytes.byteLength, "the body has")
      if (wrongBody !== undefined) return yield* fail(wrongBody)
      const record = recordOf(yield* sha256Hex(bytes), bytes.byteLength)
      // Same bytes under new validators: the object stays; the state takes the new record.
      if (isStored(record.sha256, bytes.byteLength)) return outcome("unchanged", bytes.byteLength, record)
      const { etag } = yield* store.put(context.key, bytes, { contentType: CONTENT_TYPE, metadata: toMetadata(record) })
      return outcome(current === undefined ? "added" : "updated", bytes.byteLength, record, etag)
    }
    const written = yield* store.put(context.key, body.body, {
      contentType: CONTENT_TYPE,
      contentLength: expected,
      // The hash is not known before the last byte: the state records it.
      metadata: toMetadata(recordOf(undefined, entry.size ?? 0))
    }).pipe(
      Effect.map(({ etag }): string | undefined => etag),
      Effect.catchIf(() => same, () => Effect.succeed(undefined)),
      // A streamed upload cannot be sent again without its body: a transient failure fetches the file again.
      Effect.mapError((cause) =>
        body.failure() !== undefined
          ? fail(body.failure()!)
          : cause.transient === true
          ? fail(`the upload to the store failed (${cause.detail})`)
          : cause
      )
    )
    const bytes = body.bytes()
    if (bytes === undefined) return yield* fail("body was not read to its end")
    const wrongBody = sizeProblem(entry.size, bytes, "the body has")
    if (wrongBody !== undefined) return yield* fail(wrongBody)
    const record = recordOf(body.sha256(), bytes)
    return written === undefined
      ? outcome("unchanged", bytes, record)
      : outcome(current === undefined ? "added" : "updated", bytes, record, written)
  })

export const transferFile = (file: FileToFetch, context: TransferContext) =>
  Effect.gen(function*() {
    return yield* (yield* SourceHttp).retry(attemptTransfer(file, context))
  })
