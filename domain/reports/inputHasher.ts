/**
 * The streaming sha256 the reports compute over the BLS file when the mirror recorded no
 * sha256 for it (a file stored by other means), so a report names exactly the bytes it was
 * computed from (`inputs.bls.sha256`). Web Crypto has no streaming digest, and the file is
 * too large to hold, so the hash is fed chunk by chunk as the file streams past.
 *
 * The default is hash-wasm's SHA-256 in WebAssembly: it runs wherever the domain runs
 * (Node, Deno, Lambda, a browser). An edge with a native streaming digest provides it
 * (adapters/nativeHasher.ts: node:crypto, which Node, Lambda and Deno all have), several
 * times faster again: `npm run bench` shows both. Any implementation must give the
 * standard sha256 digest in lower-case hex.
 */
import { Context, Effect } from "effect"
import { createSHA256 } from "hash-wasm"

export type { IncrementalHash } from "../bytes/bodyHasher.ts"
import type { IncrementalHash } from "../bytes/bodyHasher.ts"

export interface InputHasherShape {
  readonly sha256: () => Effect.Effect<IncrementalHash>
}

export const wasmInputHasher: InputHasherShape = {
  sha256: () =>
    Effect.promise(() => createSHA256()).pipe(Effect.map((hash) => {
      hash.init()
      return { update: (chunk) => void hash.update(chunk), digestHex: () => hash.digest("hex") }
    }))
}

export const InputHasher = Context.Reference<InputHasherShape>("quest/InputHasher", {
  defaultValue: () => wasmInputHasher
})
