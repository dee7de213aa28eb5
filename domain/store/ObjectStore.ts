/**
 * The object store the pipeline reads and writes: S3 in production, a local folder by
 * default, memory in unit tests. Keys are `/`-separated paths (`bls/pr/pr.series`).
 *
 * Contract every implementation keeps (test/store/contract.ts checks it):
 * - `put` is atomic: a reader sees the whole new object with its metadata, or the old
 *   one; a body stream that errors leaves the previous object (or nothing) in place.
 * - metadata keys are lower-case ASCII and values are strings (S3 user metadata rules).
 * - `list` is recursive under a prefix and sorted by key.
 */
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"
import { readAll } from "../bytes/readAll.ts"

export type Metadata = Readonly<Record<string, string>>

export interface ListedObject {
  readonly key: string
  readonly size: number
  /**
   * Changes whenever the object is written again (S3's ETag; a local file's identity and
   * time): what lets a sync trust a record it keeps elsewhere about this very object.
   */
  readonly etag: string
}

export interface StoredObject extends ListedObject {
  readonly contentType: string | undefined
  readonly metadata: Metadata
  readonly lastModified: Date | undefined
}

export interface PutOptions {
  readonly contentType?: string
  readonly metadata?: Metadata
  /**
   * The body's length when known: the store fails the put if the body differs. A streamed
   * body without it (text made as it is sent) is stored as it comes.
   */
  readonly contentLength?: number
}

export type Body = Uint8Array | string | ReadableStream<Uint8Array>

/** What a completed put wrote: its etag, as `list` and `head` will show it. */
export interface PutResult {
  readonly etag: string
}

export class StoreError extends Schema.TaggedError<StoreError>()("StoreError", {
  operation: Schema.String,
  key: Schema.String,
  location: Schema.String,
  detail: Schema.String,
  cause: Schema.optional(Schema.Defect())
}) {
  override get message() {
    return `The object store ${this.location} failed to ${this.operation} "${this.key}": ${this.detail}. ` +
      `Check that the store exists and that these credentials may use it, then run again.`
  }
}

export interface ObjectStoreShape {
  /** Where the store points, for messages: `./data`, `s3://bucket/prefix`. */
  readonly location: string
  readonly list: (prefix: string) => Effect.Effect<ReadonlyArray<ListedObject>, StoreError>
  readonly head: (key: string) => Effect.Effect<StoredObject | undefined, StoreError>
  readonly get: (
    key: string
  ) => Effect.Effect<{ readonly object: StoredObject; readonly body: ReadableStream<Uint8Array> } | undefined, StoreError>
  readonly put: (key: string, body: Body, options?: PutOptions) => Effect.Effect<PutResult, StoreError>
  /** Server-side copy; `to` may equal `from` to replace metadata without re-uploading bytes. */
  readonly copy: (from: string, to: string, options: PutOptions) => Effect.Effect<void, StoreError>
  /** Deleting a missing key succeeds. */
  readonly delete: (key: string) => Effect.Effect<void, StoreError>
  /**
   * Removes the store's own leftovers older than `olderThan` — what a writer killed
   * mid-write (SIGKILL, a Lambda timeout) left outside any key, e.g. a local folder's temp
   * files — and returns what it removed. Stores that leave nothing behind omit it.
   */
  readonly sweepLeftovers?: (olderThan: Date) => Effect.Effect<ReadonlyArray<string>, StoreError>
  /**
   * Fails when a write could not succeed (a read-only disk, a file where the folder should
   * be, a missing parent folder), so a run finds out before it downloads anything. Stores
   * that cannot tell without writing an object (S3) omit it.
   */
  readonly checkWritable?: () => Effect.Effect<void, StoreError>
}

export class ObjectStore extends Context.Service<ObjectStore, ObjectStoreShape>()("quest/ObjectStore") {}

/** Reads a whole object into memory: only for small objects (population JSON, reports). */
export const getBytes = (key: string) =>
  Effect.gen(function*() {
    const store = yield* ObjectStore
    const found = yield* store.get(key)
    if (found === undefined) return undefined
    // Not `new Response(body).arrayBuffer()`: on Node, Response wakes the bundled undici,
    // ~60 ms of every `quest report`'s start-up for what a loop over the stream does.
    const bytes = yield* Effect.tryPromise({
      try: () => readAll(found.body),
      catch: (cause) =>
        new StoreError({ operation: "read", key, location: store.location, detail: String(cause), cause })
    })
    return { object: found.object, bytes }
  })
