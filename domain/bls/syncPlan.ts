/**
 * Decides, from the listing and the store alone, what a sync must do with each file.
 * No request is spent on a file whose listed size and date match what was recorded.
 */
import type { ListedObject } from "../store/ObjectStore.ts"
import type { ListingEntry } from "./directoryListing.ts"
import type { MirrorRecord } from "./mirrorMetadata.ts"

/** An object under the mirror prefix, with what the mirror recorded about it (undefined: it did not write it). */
export interface MirroredFile {
  readonly object: ListedObject
  readonly record: MirrorRecord | undefined
}

export interface FileToFetch {
  readonly entry: ListingEntry
  /** What the store holds now; undefined for a new file. */
  readonly current: MirroredFile | undefined
}

export interface SyncPlan {
  /** Files to download (conditionally, when the store holds a previous copy). */
  readonly fetch: ReadonlyArray<FileToFetch>
  readonly unchanged: ReadonlyArray<MirroredFile & { readonly name: string }>
  /** Store keys whose source file is gone. */
  readonly delete: ReadonlyArray<string>
}

/** `stored` maps file names to the objects under the mirror prefix. */
export const planSync = (
  listing: ReadonlyArray<ListingEntry>,
  stored: ReadonlyMap<string, MirroredFile>,
  keyOf: (name: string) => string
): SyncPlan => {
  const fetch: Array<FileToFetch> = []
  const unchanged: Array<MirroredFile & { readonly name: string }> = []
  for (const entry of listing) {
    const current = stored.get(entry.name)
    // New, not written by the mirror, or listed otherwise than recorded: fetched.
    if (current?.record !== undefined && listedAsRecorded(entry, current.record)) unchanged.push({ name: entry.name, ...current })
    else fetch.push({ entry, current })
  }
  const listed = new Set(listing.map((entry) => entry.name))
  const deletions = [...stored.keys()].filter((name) => !listed.has(name)).map(keyOf)
  return { fetch, unchanged, delete: deletions }
}

/** A listing without dates or sizes proves nothing: such files are always asked for (cheaply, with 304). */
const listedAsRecorded = (entry: ListingEntry, record: MirrorRecord) =>
  entry.modified !== undefined &&
  entry.modified === record.listingDate &&
  (entry.size === undefined || entry.size === record.size)
