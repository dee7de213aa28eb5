/**
 * What the mirror records about each file: enough to skip unchanged files from the
 * listing alone, to ask the source conditionally, and to tell identical bytes apart from
 * new ones. It is kept twice: with each object as S3 user metadata, written with the
 * bytes, and in the mirror's state object (mirrorState.ts), which a sync reads instead of
 * one HEAD per file. A body streamed to the store in parts has no sha256 in its metadata
 * (the hash is known only once the last part is sent); the state has it.
 */
import type { Metadata, StoredObject } from "../store/ObjectStore.ts"

export interface MirrorRecord {
  readonly sha256: string | undefined
  readonly size: number
  readonly sourceUrl: string
  readonly sourceEtag: string | undefined
  readonly sourceLastModified: string | undefined
  /** The listing's date text when the file was last checked. */
  readonly listingDate: string | undefined
  readonly syncedAt: string
}

export const toMetadata = (record: MirrorRecord): Metadata => {
  const metadata: Record<string, string> = {
    "size": String(record.size),
    "source-url": record.sourceUrl,
    "synced-at": record.syncedAt
  }
  if (record.sha256 !== undefined) metadata["sha256"] = record.sha256
  if (record.sourceEtag !== undefined) metadata["source-etag"] = record.sourceEtag
  if (record.sourceLastModified !== undefined) metadata["source-last-modified"] = record.sourceLastModified
  if (record.listingDate !== undefined) metadata["listing-date"] = record.listingDate
  return metadata
}

/** The record of a stored object, or undefined when the mirror did not write it. */
export const fromStored = (stored: Pick<StoredObject, "size" | "metadata">): MirrorRecord | undefined => {
  const m = stored.metadata
  if (m["source-url"] === undefined) return undefined
  return {
    sha256: m["sha256"],
    size: stored.size,
    sourceUrl: m["source-url"],
    sourceEtag: m["source-etag"],
    sourceLastModified: m["source-last-modified"],
    listingDate: m["listing-date"],
    syncedAt: m["synced-at"] ?? ""
  }
}
