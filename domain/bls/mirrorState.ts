/**
 * The mirror's record of its files, one object per mirror (storeKeys `mirrorStateKeyOf`):
 * for each file, what the mirror recorded when it stored it and the store's etag of that
 * object. A record is trusted only for an object listed with that same etag and size, so
 * nothing written since (by hand, by another tool, by a run that died before saving its
 * state) passes for what the mirror stored: such objects are read from their own metadata.
 * A missing or unreadable state object costs those reads and nothing else.
 */
import * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"
import { readAll } from "../bytes/readAll.ts"
import type { ListedObject, ObjectStoreShape } from "../store/ObjectStore.ts"
import { MirrorRecord } from "./mirrorMetadata.ts"
import type { MirroredFile } from "./syncPlan.ts"

const FileState = Schema.Struct({ etag: Schema.String, ...MirrorRecord.fields })
export type FileState = typeof FileState.Type

/** One text for one state, whatever order it was built in (equal text: nothing to write). */
const MirrorStateJson = Schema.fromJsonString(Schema.Struct({
  format: Schema.Literal(1),
  /** The directory page the mirror follows. */
  source: Schema.String,
  files: Schema.Record(Schema.String, FileState)
}), { space: 1 })
type MirrorState = typeof MirrorStateJson.Type

export const fileStateOf = (record: MirrorRecord, etag: string): FileState => ({ ...record, etag })

/** The state object, or undefined when there is none or it cannot be read as one (logged). */
export const readMirrorState = (store: ObjectStoreShape, key: string) =>
  Effect.gen(function*() {
    const found = yield* store.get(key)
    if (found === undefined) return undefined
    // Not `new Response(body).text()`: see getBytes (domain/store/ObjectStore.ts).
    return yield* Effect.tryPromise(async () => new TextDecoder().decode(await readAll(found.body))).pipe(
      Effect.flatMap(Schema.decodeUnknownEffect(MirrorStateJson)),
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
    if (file === undefined || object.etag === "" || file.etag !== object.etag || file.size !== object.size) continue
    const { etag: _etag, ...record } = file
    trusted.set(nameOf(object.key), { object, record })
  }
  return trusted
}

export const mirrorStateBody = (source: string, files: ReadonlyMap<string, FileState>): string =>
  Schema.encodeSync(MirrorStateJson)({
    format: 1,
    source,
    files: Object.fromEntries([...files].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
  }) + "\n"
