/**
 * Brings one listed file into the store, asking the source conditionally. A body is
 * verified (length, sha256) before it becomes visible, and bytes the store already holds
 * are never stored again. A small body (or one of unknown size, up to a limit) is held in
 * memory, hashed, then written once; a larger one streams to its key, hashed on the way,
 * and if it proves to be the stored bytes the stream fails at its end so the store drops
 * the upload. Memory stays bounded whatever the size.
 */
import * as Effect from "effect/Effect"
import { digestBody } from "../bytes/digestingStream.ts"
import { sha256Hex } from "../bytes/sha256Hex.ts"
import { StreamingSha256 } from "../bytes/streamingSha256.ts"
import { bodyFailureReason } from "../http/bodyFailure.ts"
import { readBody, SourceHttp } from "../http/SourceHttp.ts"
import { TransientSourceFailure } from "../http/sourceErrors.ts"
import { ObjectStore, StoreError } from "../store/ObjectStore.ts"
import { type MirrorRecord, toMetadata } from "./mirrorMetadata.ts"
import type { FileToFetch } from "./syncPlan.ts"

export interface TransferOutcome {
  readonly name: string
  /** added/updated: new bytes stored; unchanged: the source said 304, or served the bytes the store holds. */
  readonly result: "added" | "updated" | "unchanged"
  readonly bytes: number
  /** What the mirror now knows of the file, and the store's etag of the object it describes. */
  readonly record: MirrorRecord
  readonly etag: string
}

export interface TransferContext {
  readonly key: string
  readonly syncedAt: string
  /** Bodies announced larger than this stream to the store instead of being held in memory. */
  readonly streamAboveBytes: number
  /** The most a body of unknown size may hold in memory. */
  readonly spoolLimitBytes: number
}

const CONTENT_TYPE = "text/plain; charset=utf-8"

/**
 * True when the stored copy cannot be the listed file: its size disagrees with the
 * listing. Its validators then vouch for the wrong bytes (a short copy stored under the
 * real ETag), so the file is asked for unconditionally.
 */
const storedSizeDisagrees = (file: FileToFetch): boolean =>
  file.entry.size !== undefined && file.current !== undefined && file.current.object.size !== file.entry.size

const requestHeaders = (file: FileToFetch): Record<string, string> => {
  const record = storedSizeDisagrees(file) ? undefined : file.current?.record
  // A mirror keeps the bytes as served: no transfer encoding to undo, and a
  // Content-Length that counts the bytes we store.
  const headers: Record<string, string> = { "accept-encoding": "identity" }
  if (record?.sourceEtag !== undefined) headers["if-none-match"] = record.sourceEtag
  if (record?.sourceLastModified !== undefined) headers["if-modified-since"] = record.sourceLastModified
  return headers
}

/** Why a body's size cannot be the listed file's, or undefined when it can. */
const sizeProblem = (listed: number | undefined, bytes: number, what: string) =>
  listed === undefined || bytes === listed ? undefined : `${what} ${bytes} bytes, but the listing says ${listed}`

/** Marks the end of a streamed body that is the bytes already stored: the store drops the upload. */
class SameBytes extends Error {}

/**
 * One attempt, retried as a unit: request, read the whole body (to memory or to the
 * store), verify it, store it. A store's failure is not the source's: it is not retried.
 */
const attemptTransfer = (file: FileToFetch, context: TransferContext) =>
  Effect.gen(function*() {
    const source = yield* SourceHttp
    const store = yield* ObjectStore
    const url = file.entry.url
    const fail = (reason: string) => new TransientSourceFailure({ url, reason })
    const previous = file.current?.record
    const currentEtag = file.current?.object.etag ?? ""
    const response = yield* source.attempt(url, requestHeaders(file))
    const recordOf = (sha256: string | undefined, size: number): MirrorRecord => ({
      sha256,
      size,
      sourceUrl: url,
      sourceEtag: response.headers.get("etag") ?? previous?.sourceEtag,
      sourceLastModified: response.headers.get("last-modified") ?? previous?.sourceLastModified,
      listingDate: file.entry.modified,
      syncedAt: context.syncedAt
    })
    const outcome = (result: TransferOutcome["result"], bytes: number, record: MirrorRecord, etag: string): TransferOutcome =>
      ({ name: file.entry.name, result, bytes, record, etag })
    // 304: the bytes are current; the state remembers the new listing date so the next
    // run needs no request at all. (A 304 is only possible with a previous record.)
    if (response.status === 304) return outcome("unchanged", 0, recordOf(previous?.sha256, previous?.size ?? 0), currentEtag)

    // A server may compress anyway; fetch then decodes it and Content-Length counts the
    // encoded bytes, so it says nothing about the body we read.
    const encoded = (response.headers.get("content-encoding") ?? "identity").toLowerCase() !== "identity"
    const announced = encoded ? null : response.headers.get("content-length")
    const expected = announced !== null && /^\d+$/.test(announced) ? Number(announced) : undefined
    // A Content-Length other than the listed size is a wrong body before a byte is read.
    const wrongLength = expected === undefined ? undefined : sizeProblem(file.entry.size, expected, "the response announces")
    if (wrongLength !== undefined) {
      yield* Effect.promise(() => response.body?.cancel().catch(() => undefined) ?? Promise.resolve())
      return yield* fail(wrongLength)
    }
    // A body of unknown size is held in memory too (S3 needs a length to stream a put),
    // up to the spool limit.
    const spool = expected === undefined || expected <= context.streamAboveBytes
    // A body held in memory gets Web Crypto's one-shot digest once whole (native in every
    // runtime); one that streams to the store is hashed on its way, by the streaming digest
    // the edge provides.
    const hasher = yield* StreamingSha256
    const hash = spool ? undefined : yield* hasher.sha256()
    const body = digestBody(response.body ?? new ReadableStream({ start: (c) => c.close() }), expected, hash)
    const broken = <E>(cause: E) => {
      const reason = body.failure()
      return reason === undefined ? cause : fail(reason)
    }

    let spooled: Uint8Array | undefined
    /** The store's etag of the streamed object; undefined when it proved to be the stored bytes. */
    let streamedEtag: string | undefined
    if (spool) {
      spooled = yield* readBody(url, body.body, context.spoolLimitBytes, (cause) => body.failure() ?? bodyFailureReason(cause))
    } else {
      const storedSha256 = previous?.sha256
      let same = false
      const unlessSame = new TransformStream<Uint8Array, Uint8Array>({
        // Runs after the digest's own end, which set the digest.
        flush(controller) {
          if (storedSha256 !== undefined && body.sha256() === storedSha256 && body.bytes() === file.current?.object.size) {
            same = true
            controller.error(new SameBytes("the stored object already holds these bytes"))
          }
        }
      })
      streamedEtag = yield* store.put(context.key, body.body.pipeThrough(unlessSame), {
        contentType: CONTENT_TYPE,
        contentLength: expected,
        // The hash is not known before the last byte: the state records it.
        metadata: toMetadata(recordOf(undefined, file.entry.size ?? 0))
      }).pipe(
        Effect.map((written): string | undefined => written.etag),
        Effect.catchIf(() => same, () => Effect.succeed(undefined)),
        Effect.mapError(broken<StoreError>)
      )
    }
    const bytes = body.bytes()
    if (bytes === undefined) return yield* fail("body was not read to its end")
    // A body without a Content-Length (or one that agreed with it) is held to the listing too.
    const wrongBody = sizeProblem(file.entry.size, bytes, "the body has")
    if (wrongBody !== undefined) return yield* fail(wrongBody)
    const record = recordOf(spooled === undefined ? body.sha256()! : yield* sha256Hex(spooled), bytes)
    // Same bytes under new validators: keep the object; the state takes the new record.
    // (Only when the stored object is that size: a recorded sha256 does not vouch for a truncated copy.)
    const same = spooled === undefined
      ? streamedEtag === undefined
      : previous?.sha256 === record.sha256 && file.current?.object.size === bytes
    if (same) return outcome("unchanged", bytes, record, currentEtag)
    const etag = streamedEtag ?? (yield* store.put(context.key, spooled!, { contentType: CONTENT_TYPE, metadata: toMetadata(record) })).etag
    return outcome(file.current === undefined ? "added" : "updated", bytes, record, etag)
  })

export const transferFile = (file: FileToFetch, context: TransferContext) =>
  Effect.gen(function*() {
    const source = yield* SourceHttp
    return yield* source.retry(attemptTransfer(file, context))
  })
