/**
 * The object store the pipeline reads and writes (S3, R2, a local folder), keyed by
 * `/`-separated paths. Every implementation keeps test/store/contract.ts: `put` is atomic
 * (a reader sees the whole new object with its metadata, or the old one, also when the
 * body fails); metadata follows S3's rules; `list` is recursive and sorted by key.
 */
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"
import { readAll } from "../bytes/readAll.ts"

export type Metadata = Readonly<Record<string, string>>

export interface ListedObject {
  readonly key: string
  readonly size: number
  /** Changes whenever the object is written again: a sync's record of it names it. */
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
  /** The body's length when known: the put fails if the body differs. */
  readonly contentLength?: number
}

export type Body = Uint8Array | string | ReadableStream<Uint8Array>

export interface PutResult {
  readonly etag: string
}

export class StoreError extends Schema.TaggedError<StoreError>()("StoreError", {
  operation: Schema.String,
  key: Schema.String,
  location: Schema.String,
  detail: Schema.String,
  /** Another attempt may succeed (S3's 5xx and throttling, a dropped connection). */
  transient: Schema.optional(Schema.Boolean),
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
  readonly get: (key: string) => Effect.Effect<{ readonly object: StoredObject; readonly body: ReadableStream<Uint8Array> } | undefined, StoreError>
  readonly put: (key: string, body: Body, options?: PutOptions) => Effect.Effect<PutResult, StoreError>
  /** Server-side copy; `to` may equal `from` to replace metadata without re-uploading bytes. */
  readonly copy: (from: string, to: string, options: PutOptions) => Effect.Effect<void, StoreError>
  /** Deleting a missing key succeeds. */
  readonly delete: (key: string) => Effect.Effect<void, StoreError>
  /** Removes and names what writers killed mid-write left before `olderThan` (a folder's temp files). */
  readonly sweepLeftovers?: (olderThan: Date) => Effect.Effect<ReadonlyArray<string>, StoreError>
  /** Fails when no write could succeed, so a run finds out before it downloads anything. */
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
      catch: (cause) => new StoreError({ operation: "read", key, location: store.location, detail: String(cause), cause })
    })
    return { object: found.object, bytes }
  })
