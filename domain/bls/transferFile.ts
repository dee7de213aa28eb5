/**
 * Brings one listed file into the store, asking the source conditionally. A body is
 * verified (length, sha256) before it becomes visible, so a short or broken download
 * never replaces the previous object, and bytes the store already holds are never
 * uploaded again:
 * - up to `spoolLimitBytes` (all of BLS's files), the body is held in memory while it
 *   is hashed, then written once with its metadata;
 * - a larger body streams into a staging key and is then copied server-side to the
 *   mirror key, so memory stays bounded whatever the size.
 */
import { Effect } from "effect"
import { digestBody, type Digest } from "../bytes/digestingStream.ts"
import { readAll, TooManyBytes } from "../bytes/readAll.ts"
import { SourceHttp } from "../http/SourceHttp.ts"
import { SourceTooLarge, TransientSourceFailure } from "../http/sourceErrors.ts"
import { ObjectStore, StoreError } from "../store/ObjectStore.ts"
import { type MirrorRecord, toMetadata } from "./mirrorMetadata.ts"
import type { FileToFetch } from "./syncPlan.ts"

export type TransferOutcome =
  /** New bytes stored. */
  | { readonly name: string; readonly result: "added" | "updated"; readonly bytes: number }
  /** The source said 304, or served the bytes the store already holds; metadata refreshed. */
  | { readonly name: string; readonly result: "unchanged"; readonly bytes: number }

export interface TransferContext {
  readonly key: string
  readonly stagingKey: string
  readonly syncedAt: string
  readonly spoolLimitBytes: number
}

const CONTENT_TYPE = "text/plain; charset=utf-8"

const requestHeaders = (file: FileToFetch): Record<string, string> => {
  const record = file.current?.record
  // A mirror keeps the bytes as served: no transfer encoding to undo, and a
  // Content-Length that counts the bytes we store.
  const headers: Record<string, string> = { "accept-encoding": "identity" }
  if (record?.sourceEtag !== undefined) headers["if-none-match"] = record.sourceEtag
  if (record?.sourceLastModified !== undefined) headers["if-modified-since"] = record.sourceLastModified
  return headers
}

interface Downloaded {
  readonly etag: string | undefined
  readonly lastModified: string | undefined
  /** Undefined for a 304. */
  readonly digest: Digest | undefined
  /** The verified body when it was spooled in memory; otherwise it waits at the staging key. */
  readonly spooled: Uint8Array | undefined
}


/** One attempt: request, then read the whole body (to memory or staging). Retried as a unit. */
const download = (file: FileToFetch, context: TransferContext, staging: { used: boolean }) =>
  Effect.gen(function*() {
    const source = yield* SourceHttp
    const store = yield* ObjectStore
    const response = yield* source.attempt(file.entry.url, requestHeaders(file))
    const etag = response.headers.get("etag") ?? undefined
    const lastModified = response.headers.get("last-modified") ?? undefined
    if (response.status === 304) return { etag, lastModified, digest: undefined, spooled: undefined } as Downloaded
    // A server may compress anyway; fetch then decodes it and Content-Length counts the
    // encoded bytes, so it says nothing about the body we read.
    const encoded = (response.headers.get("content-encoding") ?? "identity").toLowerCase() !== "identity"
    const announced = encoded ? null : response.headers.get("content-length")
    const expected = announced !== null && /^\d+$/.test(announced) ? Number(announced) : undefined
    const body = digestBody(response.body ?? new ReadableStream({ start: (c) => c.close() }), expected)
    const broken = (cause: unknown) => {
      const reason = body.failure()
      return reason === undefined ? cause : new TransientSourceFailure({ url: file.entry.url, reason })
    }

    let spooled: Uint8Array | undefined
    // A body of unknown size is held in memory too (S3 needs a length to stream a put),
    // up to the same limit.
    if (expected === undefined || expected <= context.spoolLimitBytes) {
      spooled = yield* Effect.tryPromise({
        try: () => readAll(body.body, context.spoolLimitBytes),
        catch: (cause) =>
          cause instanceof TooManyBytes
            ? new SourceTooLarge({ url: file.entry.url, limit: context.spoolLimitBytes })
            : broken(new TransientSourceFailure({ url: file.entry.url, reason: String(cause) })) as TransientSourceFailure
      })
    } else {
      staging.used = true
      yield* store.put(context.stagingKey, body.body, { contentType: CONTENT_TYPE, contentLength: expected }).pipe(
        Effect.mapError((error: StoreError) => broken(error) as StoreError | TransientSourceFailure)
      )
    }
    const digest = body.digest()
    if (digest === undefined) {
      return yield* new TransientSourceFailure({ url: file.entry.url, reason: "body was not read to its end" })
    }
    return { etag, lastModified, digest, spooled } as Downloaded
  })

export const transferFile = (file: FileToFetch, context: TransferContext) => {
  const staging = { used: false }
  return Effect.gen(function*() {
    const source = yield* SourceHttp
    const store = yield* ObjectStore
    const downloaded = yield* source.retry(download(file, context, staging))
    const previous = file.current?.record
    const record = (digest: Digest): MirrorRecord => ({
      sha256: digest.sha256,
      size: digest.bytes,
      sourceUrl: file.entry.url,
      sourceEtag: downloaded.etag ?? previous?.sourceEtag,
      sourceLastModified: downloaded.lastModified ?? previous?.sourceLastModified,
      listingDate: file.entry.modified,
      syncedAt: context.syncedAt
    })

    if (downloaded.digest === undefined) {
      // 304: the bytes are current; remember the new listing date so the next run
      // needs no request at all. (A 304 is only possible with a previous record.)
      if (previous !== undefined) {
        yield* store.copy(context.key, context.key, {
          contentType: CONTENT_TYPE,
          metadata: toMetadata(record({ sha256: previous.sha256, bytes: previous.size }))
        })
      }
      return { name: file.entry.name, result: "unchanged", bytes: 0 } satisfies TransferOutcome
    }

    const digest = downloaded.digest
    if (previous !== undefined && previous.sha256 === digest.sha256) {
      // Same bytes under new validators: keep the object, refresh its metadata in place.
      yield* store.copy(context.key, context.key, { contentType: CONTENT_TYPE, metadata: toMetadata(record(digest)) })
      return { name: file.entry.name, result: "unchanged", bytes: digest.bytes } satisfies TransferOutcome
    }
    const written = { contentType: CONTENT_TYPE, metadata: toMetadata(record(digest)) }
    if (downloaded.spooled !== undefined) yield* store.put(context.key, downloaded.spooled, written)
    else yield* store.copy(context.stagingKey, context.key, written)
    return {
      name: file.entry.name,
      result: file.current === undefined ? "added" : "updated",
      bytes: digest.bytes
    } satisfies TransferOutcome
  }).pipe(
    // Staging objects never outlive their transfer, whatever happened to it.
    Effect.onExit(() =>
      staging.used
        ? Effect.flatMap(ObjectStore, (store) => Effect.ignore(store.delete(context.stagingKey)))
        : Effect.void
    )
  )
}
