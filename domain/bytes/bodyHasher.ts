/**
 * The streaming sha256 that checks a download as it streams to the store. The portable
 * default is @noble/hashes (pure JavaScript, ~100 MB/s here, and the small ingest archive
 * keeps it); an edge with a native digest provides it (adapters/nativeHasher.ts:
 * node:crypto, ~600 MB/s), since at the default a large body is hashed no faster than
 * ~100 MB/s whatever the network and the store can do (`npm run bench`, mirror sync).
 */
import { Context } from "effect"
import { sha256 } from "@noble/hashes/sha2.js"
import { bytesToHex } from "@noble/hashes/utils.js"

export interface IncrementalHash {
  readonly update: (chunk: Uint8Array) => void
  /** Lower-case hex; call once, after the last update. */
  readonly digestHex: () => string
}

export const nobleSha256 = (): IncrementalHash => {
  const hash = sha256.create()
  return { update: (chunk) => void hash.update(chunk), digestHex: () => bytesToHex(hash.digest()) }
}

export const BodyHasher = Context.Reference<() => IncrementalHash>("quest/BodyHasher", {
  defaultValue: () => nobleSha256
})
