/**
 * S3's rules for user metadata, enforced for every store: a local run refuses what S3
 * would refuse (or silently mangle), so moving a store to S3 changes nothing.
 */
import * as Effect from "effect/Effect"
import { type Metadata, type ObjectStoreShape, type PutOptions, StoreError } from "./ObjectStore.ts"

/** S3 allows 2 KB of user metadata per object, names and values counted together. */
export const MAX_METADATA_BYTES = 2048
/** What S3 keeps of a metadata value as given. */
export const PRINTABLE_ASCII = /^[\x20-\x7e]*$/

export const metadataBytes = (metadata: Metadata): number =>
  Object.entries(metadata).reduce((sum, [name, value]) => sum + name.length + value.length, 0)

const problemOf = (metadata: Metadata = {}): string | undefined => {
  for (const [name, value] of Object.entries(metadata)) {
    if (!/^[a-z0-9][a-z0-9-]*$/.test(name)) return `metadata name "${name}" is not lower-case letters, digits and dashes`
    if (!PRINTABLE_ASCII.test(value)) return `metadata "${name}" holds characters other than printable ASCII`
  }
  const bytes = metadataBytes(metadata)
  return bytes > MAX_METADATA_BYTES ? `metadata takes ${bytes} bytes, more than S3's ${MAX_METADATA_BYTES}` : undefined
}

/** `store` with its writes refused, before any I/O, when their metadata breaks S3's rules. */
export const enforceMetadataRules = (store: ObjectStoreShape): ObjectStoreShape => {
  const checked = (operation: string, key: string, options: PutOptions | undefined) => {
    const detail = problemOf(options?.metadata)
    return detail === undefined ? Effect.void : Effect.fail(new StoreError({ operation, key, location: store.location, detail }))
  }
  const { copy, put } = store
  return {
    ...store,
    put: (key, body, options) => Effect.andThen(checked("put", key, options), put(key, body, options)),
    copy: (from, to, options) => Effect.andThen(checked("copy", to, options), copy(from, to, options))
  }
}
