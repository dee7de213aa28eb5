/**
 * An in-memory ObjectStore for unit tests, with the contract's semantics (atomic puts,
 * length checks, recursive sorted lists) and a log of the writes it took, so a test can
 * assert what a run wrote — or that it wrote nothing.
 */
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import type { Body, Metadata, ObjectStoreShape, PutOptions, StoredObject } from "../../domain/store/ObjectStore.ts"
import { enforceMetadataRules } from "../../domain/store/metadataRules.ts"
import { ObjectStore, StoreError } from "../../domain/store/ObjectStore.ts"

export type StoreWrite =
  | { readonly operation: "put"; readonly key: string; readonly size: number }
  | { readonly operation: "copy"; readonly from: string; readonly key: string }
  | { readonly operation: "delete"; readonly key: string }

export interface MemoryStore extends ObjectStoreShape {
  /** Completed puts and copies, and every delete call (a delete is a request even when the key is missing), in order. */
  readonly writes: ReadonlyArray<StoreWrite>
  /** Forgets the log, e.g. after seeding the store. */
  readonly clearWrites: () => void
}

interface Entry {
  readonly etag: string
  readonly bytes: Uint8Array
  readonly contentType: string | undefined
  readonly metadata: Metadata
  readonly lastModified: Date
}

/** Reads a whole body, enforcing `contentLength` as S3 does; a failed read keeps its cause. */
const collect = async (body: Body, contentLength: number | undefined): Promise<Uint8Array> => {
  if (typeof body === "string") return collect(new TextEncoder().encode(body), contentLength)
  const chunks: Array<Uint8Array> = []
  let total = 0
  if (body instanceof ReadableStream) {
    const reader = body.getReader()
    for (;;) {
      const next = await reader.read().catch((cause: unknown) => {
        throw new Error(`the body stream failed after ${total} bytes: ${cause instanceof Error ? cause.message : String(cause)}`, { cause })
      })
      if (next.done) break
      chunks.push(next.value)
      total += next.value.byteLength
      if (contentLength !== undefined && total > contentLength) {
        await reader.cancel().catch(() => undefined)
        throw new Error(`the body is longer than its contentLength of ${contentLength} bytes`)
      }
    }
  } else {
    chunks.push(body)
    total = body.byteLength
  }
  if (contentLength !== undefined && total !== contentLength) {
    throw new Error(`the body has ${total} bytes but contentLength says ${contentLength}`)
  }
  return new Uint8Array(await new Blob(chunks as Array<Uint8Array<ArrayBuffer>>).arrayBuffer())
}

export const makeMemoryStore = (location = "memory://test"): MemoryStore => {
  const objects = new Map<string, Entry>()
  const writes: Array<StoreWrite> = []

  const failure = (operation: string, key: string, cause: unknown) =>
    new StoreError({
      operation,
      key,
      location,
      detail: cause instanceof Error ? cause.message : String(cause),
      cause: cause instanceof Error && cause.cause !== undefined ? cause.cause : cause
    })

  const describe = (key: string, entry: Entry): StoredObject => ({
    key,
    size: entry.bytes.byteLength,
    etag: entry.etag,
    contentType: entry.contentType,
    metadata: { ...entry.metadata },
    lastModified: entry.lastModified
  })

  let writesSoFar = 0
  const store = (key: string, bytes: Uint8Array, options: PutOptions) => {
    const etag = `"${++writesSoFar}"`
    objects.set(key, { etag, bytes, contentType: options.contentType, metadata: { ...options.metadata }, lastModified: new Date() })
    return { etag }
  }

  const memory: MemoryStore = {
    location,
    get writes() {
      return [...writes]
    },
    clearWrites: () => void writes.splice(0),
    list: (prefix) =>
      Effect.sync(() =>
        [...objects.entries()]
          .filter(([key]) => key.startsWith(prefix))
          .map(([key, entry]) => ({ key, size: entry.bytes.byteLength, etag: entry.etag }))
          .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
      ),
    head: (key) =>
      Effect.sync(() => {
        const entry = objects.get(key)
        return entry === undefined ? undefined : describe(key, entry)
      }),
    get: (key) =>
      Effect.sync(() => {
        const entry = objects.get(key)
        if (entry === undefined) return undefined
        const body = new ReadableStream<Uint8Array>({
          start(controller) {
            controller.enqueue(entry.bytes.slice())
            controller.close()
          }
        })
        return { object: describe(key, entry), body }
      }),
    put: (key, body, options = {}) =>
      Effect.tryPromise({
        try: () => collect(body, options.contentLength),
        catch: (cause) => failure("put", key, cause)
      }).pipe(Effect.map((bytes) => {
        const written = store(key, bytes, options)
        writes.push({ operation: "put", key, size: bytes.byteLength })
        return written
      })),
    copy: (from, to, options) =>
      Effect.suspend(() => {
        const source = objects.get(from)
        if (source === undefined) {
          return Effect.fail(failure("copy", `${from} → ${to}`, new Error(`there is no object "${from}" to copy`)))
        }
        store(to, source.bytes, { ...options, contentType: options.contentType ?? source.contentType })
        writes.push({ operation: "copy", from, key: to })
        return Effect.void
      }),
    delete: (key) =>
      Effect.sync(() => {
        objects.delete(key)
        writes.push({ operation: "delete", key })
      })
  }
  // The same metadata rules as the real stores (S3 would refuse what breaks them).
  const { put, copy } = enforceMetadataRules(memory)
  return Object.assign(memory, { put, copy })
}

export const memoryStoreLayer = (store: MemoryStore = makeMemoryStore()): Layer.Layer<ObjectStore> =>
  Layer.succeed(ObjectStore, store)
