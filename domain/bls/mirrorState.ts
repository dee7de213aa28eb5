/**
 * The mirror's record of its files, kept in one object per mirror (storeKeys
 * `mirrorStateKeyOf`): for each file, what the mirror recorded when it stored it (hash,
 * the source's validators, the listing date) and the store's etag of the object it stored.
 *
 * A record is trusted only for an object the store's listing shows with that same etag and
 * size, so nothing written since — by hand, by another tool, by a run that died before
 * saving its state — passes for what the mirror stored: such objects are read one by one
 * from their own metadata, as if there were no state. A missing or unreadable state
 * object costs those reads and nothing else.
 */
import * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"
import { readAll } from "../bytes/readAll.ts"
import type { ListedObject, ObjectStoreShape } from "../store/ObjectStore.ts"
import type { MirrorRecord } from "./mirrorMetadata.ts"
import type { MirroredFile } from "./syncPlan.ts"

const FileState = Schema.Struct({
  /** The store's etag of the object this record describes. */
  etag: Schema.String,
  size: Schema.Number,
  sha256: Schema.optional(Schema.String),
  sourceUrl: Schema.String,
  sourceEtag: Schema.optional(Schema.String),
  sourceLastModified: Schema.optional(Schema.String),
  listingDate: Schema.optional(Schema.String),
  syncedAt: Schema.String
})

const MirrorStateSchema = Schema.Struct({
  format: Schema.Literal(1),
  /** The directory page the mirror follows. */
  source: Schema.String,
  files: Schema.Record(Schema.String, FileState)
})

export type FileState = typeof FileState.Type
export type MirrorState = typeof MirrorStateSchema.Type

export const recordOf = ({ etag: _etag, ...record }: FileState): MirrorRecord =>
  ({ sha256: undefined, sourceEtag: undefined, sourceLastModified: undefined, listingDate: undefined, ...record })

export const fileStateOf = (record: MirrorRecord, etag: string): FileState => ({ ...record, etag })

const decode = Schema.decodeUnknownEffect(MirrorStateSchema)

/** The state object, or undefined when there is none or it cannot be read as one (logged). */
export const readMirrorState = (store: ObjectStoreShape, key: string) =>
  Effect.gen(function*() {
    const found = yield* store.get(key)
    if (found === undefined) return undefined
    return yield* Effect.tryPromise(async () =>
      // Not `new Response(body).text()`: see getBytes (domain/store/ObjectStore.ts).
      JSON.parse(new TextDecoder().decode(await readAll(found.body))) as unknown
    ).pipe(
      Effect.flatMap(decode),
      Effect.catch(() =>
        Effect.as(Effect.logWarning(`${key} is not a mirror state this version reads; every mirrored file is checked one by one this run`), undefined)
      )
    )
  })

/** The objects the state vouches for, by name: listed with the etag and size the mirror stored them with. */
export const trustedFiles = (
  state: MirrorState | undefined,
  listed: ReadonlyArray<ListedObject>,
  nameOf: (key: string) => string
): Map<string, MirroredFile> => {
  const trusted = new Map<string, MirroredFile>()
  for (const object of listed) {
    const file = state?.files[nameOf(object.key)]
    if (file !== undefined && object.etag !== "" && file.etag === object.etag && file.size === object.size) {
      trusted.set(nameOf(object.key), { object, record: recordOf(file) })
    }
  }
  return trusted
}

/** One text for one state, whatever order it was built in: equal text means nothing to write. */
export const mirrorStateBody = (source: string, files: ReadonlyMap<string, FileState>): string => {
  const canonical = (file: FileState): FileState => ({
    etag: file.etag,
    size: file.size,
    sha256: file.sha256,
    sourceUrl: file.sourceUrl,
    sourceEtag: file.sourceEtag,
    sourceLastModified: file.sourceLastModified,
    listingDate: file.listingDate,
    syncedAt: file.syncedAt
  })
  const state: MirrorState = {
    format: 1,
    source,
    files: Object.fromEntries([...files].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([name, file]) => [name, canonical(file)]))
  }
  return JSON.stringify(state, null, 1) + "\n"
}
