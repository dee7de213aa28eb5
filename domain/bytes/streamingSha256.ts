/**
 * The streaming sha256 of a body too large to hold: a download checked as it streams to
 * the store (bls/transferFile.ts), and the BLS file the reports read when the mirror
 * recorded no sha256 for it (reports/runReports.ts). Web Crypto has no streaming digest,
 * so the hash is fed chunk by chunk as the bytes go past. (Bytes already in memory need
 * none of this: sha256Hex.ts is Web Crypto's one-shot digest, native everywhere.)
 *
 * The default is noble's pure-JS SHA-256: it runs on every runtime, workerd included, which
 * forbids compiling WebAssembly at run time. Node and Deno entries provide their native
 * digest instead (adapters/nativeHasher.ts: node:crypto, several times faster; `npm run
 * bench -- --only hashing` prints both). Any implementation gives the standard sha256 in
 * lower-case hex.
 */
import { sha256 } from "@noble/hashes/sha2.js"
import { bytesToHex } from "@noble/hashes/utils.js"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"

export interface IncrementalHash {
  readonly update: (chunk: Uint8Array) => void
  /** Lower-case hex; call once, after the last update. */
  readonly digestHex: () => string
}

export interface StreamingSha256Shape {
  /** A fresh hash, ready for its first update. */
  readonly sha256: () => Effect.Effect<IncrementalHash>
}

const portableSha256: StreamingSha256Shape = {
  sha256: () =>
    Effect.sync(() => {
      const hash = sha256.create()
      return { update: (chunk) => void hash.update(chunk), digestHex: () => bytesToHex(hash.digest()) }
    })
}

export const StreamingSha256 = Context.Reference<StreamingSha256Shape>("quest/StreamingSha256", {
  defaultValue: () => portableSha256
})
