/**
 * The object store on Cloudflare R2, through the Worker's bucket binding (workerd only).
 *
 * R2 refuses a stream of unknown length, so a streamed body goes through a
 * FixedLengthStream when its length is known, and otherwise in multipart parts (a body
 * that ends within one part is put whole). A put that fails leaves the previous object:
 * R2 commits a put, and a multipart upload, only once complete; a failed upload is
 * aborted (R2 also aborts forgotten ones after 7 days, so there is nothing to sweep).
 * R2 has no server-side copy: a copy streams the object back in. Metadata is R2's
 * `customMetadata`, the etag its `httpEtag`.
 */
import type { R2Bucket, R2Object, R2PutOptions } from "@cloudflare/workers-types/index.ts"
import * as Effect from "effect/Effect"
import { enforceMetadataRules } from "../domain/store/metadataRules.ts"
import type { Body, ListedObject, ObjectStoreShape, PutOptions, StoredObject } from "../domain/store/ObjectStore.ts"
import { StoreError } from "../domain/store/ObjectStore.ts"
import { lengthChecked } from "../domain/store/lengthChecked.ts"
import { messageOf, StoreFailure, storeTask } from "../domain/store/storeTask.ts"

/** All parts but the last must be of one size, at least 5 MiB; bigger parts cost the Worker's memory. */
const PART_BYTES = 8 * 1024 * 1024

type Stream = ReadableStream<Uint8Array>

/** workerd's TransformStream that tells R2 its length; errors when more or fewer bytes pass. */
const fixedLengthStream = (length: number): TransformStream<Uint8Array, Uint8Array> =>
  new (globalThis as unknown as { FixedLengthStream: new (length: number) => TransformStream<Uint8Array, Uint8Array> })
    .FixedLengthStream(length)

const storedObject = (object: R2Object): StoredObject => ({
  key: object.key,
  size: object.size,
  etag: object.httpEtag,
  contentType: object.httpMetadata?.contentType,
  metadata: { ...object.customMetadata },
  lastModified: object.uploaded
})

/** Reads a body in parts of PART_BYTES exactly (R2 wants all but the last of one size), the last one shorter. */
const partsOf = (reader: ReadableStreamDefaultReader<Uint8Array>) => {
  let carried = new Uint8Array(0)
  return async () => {
    const chunks: Array<Uint8Array> = [carried]
    let size = carried.byteLength
    let ended = false
    while (size < PART_BYTES && !ended) {
      const next = await reader.read()
      if (next.done) {
        ended = true
      } else {
        chunks.push(next.value)
        size += next.value.byteLength
      }
    }
    const bytes = new Uint8Array(await new Blob(chunks as Array<BlobPart>).arrayBuffer())
    carried = bytes.subarray(PART_BYTES)
    return { bytes: bytes.subarray(0, PART_BYTES), last: ended && carried.byteLength === 0 }
  }
}

export const makeR2Store = (bucket: R2Bucket, name = "STORE"): ObjectStoreShape => {
  const location = `r2://${name}`
  const r2 = bucket as unknown as {
    put: (key: string, body: unknown, options: R2PutOptions) => Promise<R2Object>
  } & R2Bucket

  const run = <A>(operation: string, key: string, task: () => Promise<A>) =>
    storeTask({ location, operation, key, detailOf: messageOf }, task)

  /** A body of known length, checked as it flows: R2 stores all of it or nothing. */
  const putKnownLength = async (key: string, body: Stream, length: number, options: R2PutOptions) => {
    const fixed = fixedLengthStream(length)
    let bodyError: unknown
    // Stopped when R2 fails first, so that no pipe waits on a reader that is gone.
    const stop = new AbortController()
    const piped = lengthChecked(body, length).pipeTo(fixed.writable, { signal: stop.signal }).catch((error: unknown) => {
      if (error !== stop.signal.reason) bodyError = error
    })
    const stored = await r2.put(key, fixed.readable, options).catch(async (error: unknown) => {
      stop.abort()
      await piped
      throw bodyError ?? error
    })
    await piped
    return stored
  }

  /** A body of unknown length: put whole when it ends within one part, else in parts. */
  const putUnknownLength = async (key: string, body: Stream, options: R2PutOptions) => {
    const reader = body.getReader()
    const nextPart = partsOf(reader)
    let part = await nextPart()
    if (part.last) return r2.put(key, part.bytes, options)
    const upload = await bucket.createMultipartUpload(key, options)
    try {
      const uploaded = []
      while (part.bytes.byteLength > 0) {
        uploaded.push(await upload.uploadPart(uploaded.length + 1, part.bytes))
        if (part.last) break
        part = await nextPart()
      }
      return await upload.complete(uploaded)
    } catch (error) {
      await reader.cancel(error).catch(() => undefined)
      await upload.abort().catch(() => undefined)
      throw error
    }
  }

  const put = (key: string, body: Body, options: PutOptions = {}) =>
    run("put", key, async () => {
      const r2Options: R2PutOptions = {
        customMetadata: { ...options.metadata },
        ...(options.contentType === undefined ? {} : { httpMetadata: { contentType: options.contentType } })
      }
      const { contentLength } = options
      if (!(body instanceof ReadableStream)) {
        const bytes = typeof body === "string" ? new TextEncoder().encode(body) : body
        if (contentLength !== undefined && contentLength !== bytes.byteLength) {
          throw new StoreFailure(`the body has ${bytes.byteLength} bytes, not its contentLength of ${contentLength}`)
        }
        return { etag: (await r2.put(key, bytes, r2Options)).httpEtag }
      }
      const stored = contentLength === undefined
        ? await putUnknownLength(key, body, r2Options)
        : await putKnownLength(key, body, contentLength, r2Options)
      return { etag: stored.httpEtag }
    })

  const store: ObjectStoreShape = {
    location,
    list: (prefix) =>
      run("list", prefix, async () => {
        const found: Array<ListedObject> = []
        let cursor: string | undefined
        do {
          const page = await bucket.list({ prefix, ...(cursor === undefined ? {} : { cursor }) })
          for (const object of page.objects) found.push({ key: object.key, size: object.size, etag: object.httpEtag })
          cursor = page.truncated ? page.cursor : undefined
        } while (cursor !== undefined)
        // R2 sorts by UTF-8 bytes; the other stores by UTF-16 units. Sort the same way everywhere.
        return found.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
      }),
    head: (key) => run("head", key, async () => {
      const object = await bucket.head(key)
      return object === null ? undefined : storedObject(object)
    }),
    get: (key) => run("get", key, async () => {
      const object = await bucket.get(key)
      return object === null ? undefined : { object: storedObject(object), body: object.body as unknown as Stream }
    }),
    put,
    copy: (from, to, options) =>
      Effect.gen(function*() {
        const source = yield* run("copy", from, () => bucket.get(from))
        if (source === null) {
          return yield* new StoreError({ operation: "copy", key: from, location, detail: `there is no "${from}" to copy` })
        }
        yield* put(to, source.body as unknown as Stream, {
          contentType: options.contentType ?? source.httpMetadata?.contentType,
          metadata: options.metadata ?? {},
          contentLength: source.size
        }).pipe(Effect.mapError(({ key, detail, cause }) => new StoreError({ operation: "copy", key, location, detail, cause })))
      }),
    delete: (key) => run("delete", key, () => bucket.delete(key))
  }
  return enforceMetadataRules(store)
}
