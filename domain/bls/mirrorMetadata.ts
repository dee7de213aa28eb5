/**
 * What the mirror records about each file (to skip it from the listing alone, ask the
 * source conditionally, tell identical bytes from new ones), kept as the object's metadata
 * and in the state (mirrorState.ts). A validator S3 metadata cannot hold (non-ASCII, over
 * 2 KB) is kept as base64 (`-b64`, still sent back), or only as its sha256 (`-sha256`).
 */
import * as Schema from "effect/Schema"
import type { Metadata, StoredObject } from "../store/ObjectStore.ts"
import { MAX_METADATA_BYTES, metadataBytes, PRINTABLE_ASCII } from "../store/metadataRules.ts"
import { sha256 } from "@noble/hashes/sha2.js"
import { bytesToHex } from "@noble/hashes/utils.js"

export const MirrorRecord = Schema.Struct({
  size: Schema.Number,
  sha256: Schema.optional(Schema.String),
  sourceUrl: Schema.String,
  sourceEtag: Schema.optional(Schema.String),
  sourceLastModified: Schema.optional(Schema.String),
  /** The listing's date text when the file was last checked. */
  listingDate: Schema.optional(Schema.String),
  syncedAt: Schema.String
})
export type MirrorRecord = typeof MirrorRecord.Type

/** Header values are byte strings (one char per byte, ≤ U+00FF): their bytes, as base64. */
const toBase64 = (value: string) => btoa(value.replace(/[^\x00-\xff]/g, "?"))

const fromBase64 = (value: string): string | undefined => /^[A-Za-z0-9+/]*={0,2}$/.test(value) && value.length % 4 === 0 ? atob(value) : undefined

/** Adds `value` under `name` in the first form that keeps `metadata` within S3's budget. */
const addValidator = (metadata: Record<string, string>, name: string, value: string | undefined) => {
  if (value === undefined) return
  const room = MAX_METADATA_BYTES - metadataBytes(metadata)
  const forms: ReadonlyArray<readonly [string, string]> = [
    ...(PRINTABLE_ASCII.test(value) ? [[name, value] as const] : []),
    [`${name}-b64`, toBase64(value)],
    [`${name}-sha256`, bytesToHex(sha256(new TextEncoder().encode(value)))]
  ]
  const fitting = forms.find(([key, text]) => key.length + text.length <= room)
  if (fitting !== undefined) metadata[fitting[0]] = fitting[1]
}

export const toMetadata = (record: MirrorRecord): Metadata => {
  const metadata: Record<string, string> = {
    "size": String(record.size),
    "source-url": record.sourceUrl,
    "synced-at": record.syncedAt
  }
  if (record.sha256 !== undefined) metadata["sha256"] = record.sha256
  if (record.listingDate !== undefined) metadata["listing-date"] = record.listingDate
  addValidator(metadata, "source-etag", record.sourceEtag)
  addValidator(metadata, "source-last-modified", record.sourceLastModified)
  return metadata
}

const validator = (metadata: Metadata, name: string): string | undefined => {
  const plain = metadata[name]
  if (plain !== undefined) return plain
  const encoded = metadata[`${name}-b64`]
  return encoded === undefined ? undefined : fromBase64(encoded)
}

/** The record of a stored object, or undefined when the mirror did not write it. */
export const fromStored = (stored: Pick<StoredObject, "size" | "metadata">): MirrorRecord | undefined => {
  const m = stored.metadata
  if (m["source-url"] === undefined) return undefined
  return {
    sha256: m["sha256"],
    size: stored.size,
    sourceUrl: m["source-url"],
    sourceEtag: validator(m, "source-etag"),
    sourceLastModified: validator(m, "source-last-modified"),
    listingDate: m["listing-date"],
    syncedAt: m["synced-at"] ?? ""
  }
}
