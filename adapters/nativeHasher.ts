/**
 * The runtime's native streaming sha256 (node:crypto: Node, Lambda, and Deno's Node
 * compatibility), for the reports' hash of a BLS file that has no recorded sha256: several
 * times faster than the portable WebAssembly default (domain/reports/inputHasher.ts).
 */
import { createHash } from "node:crypto"
import { Effect } from "effect"
import type { IncrementalHash } from "../domain/bytes/bodyHasher.ts"
import type { InputHasherShape } from "../domain/reports/inputHasher.ts"

/** Also the sync's check of each download (domain/bytes/bodyHasher.ts). */
export const nativeSha256 = (): IncrementalHash => {
  const hash = createHash("sha256")
  return { update: (chunk) => void hash.update(chunk), digestHex: () => hash.digest("hex") }
}

export const nativeInputHasher: InputHasherShape = {
  sha256: () => Effect.sync(nativeSha256)
}
