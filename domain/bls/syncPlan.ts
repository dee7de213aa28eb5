/**
 * Decides, from the listing and the store alone, what a sync must do with each file:
 * no request is spent on a file whose listed size and date match what was recorded.
 */
import type { ListedObject } from "../store/ObjectStore.ts"
import type { ListingEntry } from "./directoryListing.ts"
import type { MirrorRecord } from "./mirrorMetadata.ts"

/** An object under the mirror prefix, with what the mirror recorded about it (undefined: it did not write it). */
export interface MirroredFile {
  readonly object: ListedObject
  readonly record: MirrorRecord | undefined
}

/** A file to download (conditionally, when the store holds a previous copy). */
export interface FileToFetch {
  readonly entry: ListingEntry
  readonly current: MirroredFile | undefined
}

/** `stored` maps file names to the objects under the mirror prefix; `delete` holds store keys. */
export const planSync = (listing: ReadonlyArray<ListingEntry>, stored: ReadonlyMap<string, MirroredFile>, keyOf: (name: string) => string) => {
  const fetch: Array<FileToFetch> = []
  const unchanged: Array<MirroredFile> = []
  for (const entry of listing) {
    const current = stored.get(entry.name)
    // A listing without dates or sizes proves nothing: such files are always asked for (cheaply, with 304).
    const asRecorded = current?.record !== undefined && entry.modified !== undefined &&
      entry.modified === current.record.listingDate && (entry.size === undefined || entry.size === current.record.size)
    if (asRecorded) unchanged.push(current)
    else fetch.push({ entry, current })
  }
  const listed = new Set(listing.map((entry) => entry.name))
  return { fetch, unchanged, delete: [...stored.keys()].filter((name) => !listed.has(name)).map(keyOf) }
}
