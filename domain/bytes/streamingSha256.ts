/**
 * The streaming sha256 of a body too large to hold (a download streamed to the store, the
 * BLS file the reports read): Web Crypto has none. The default is noble's pure JS, which
 * runs everywhere (workerd forbids compiling WebAssembly at run time); Node and Deno entries
 * provide node:crypto's (adapters/nativeHasher.ts), several times faster.
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
  readonly sha256: () => Effect.Effect<IncrementalHash>
}

export const StreamingSha256 = Context.Reference<StreamingSha256Shape>("quest/StreamingSha256", {
  defaultValue: () => ({
    sha256: () =>
      Effect.sync(() => {
        const hash = sha256.create()
        return { update: (chunk) => void hash.update(chunk), digestHex: () => bytesToHex(hash.digest()) }
      })
  })
})
