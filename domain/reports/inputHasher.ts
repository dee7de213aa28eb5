/**
 * The sha256 the reports compute over their inputs (recorded in `inputs.*.sha256`, so a
 * report names exactly the bytes it was computed from): the small population file always,
 * the BLS file only when the mirror recorded no sha256 for it (a file stored by other means).
 *
 * The default is @noble/hashes: plain JavaScript, runs wherever the domain runs (Node, Deno,
 * Lambda), at roughly 60 MB/s inside a report run on a small machine, so an edge that has a
 * native hash (node:crypto) may provide a faster one:
 * `Effect.provideService(InputHasher, nodeHasher)`. Any implementation must give the
 * standard sha256 digest in lower-case hex.
 */
import { sha256 } from "@noble/hashes/sha2.js"
import { bytesToHex } from "@noble/hashes/utils.js"
import { Context } from "effect"

export interface IncrementalHash {
  readonly update: (chunk: Uint8Array) => void
  /** Lower-case hex; call once, after the last update. */
  readonly digestHex: () => string
}

export interface InputHasherShape {
  readonly sha256: () => IncrementalHash
}

export const nobleInputHasher: InputHasherShape = {
  sha256: () => {
    const hash = sha256.create()
    return {
      update: (chunk) => void hash.update(chunk),
      digestHex: () => bytesToHex(hash.digest())
    }
  }
}

export const InputHasher = Context.Reference<InputHasherShape>("quest/InputHasher", {
  defaultValue: () => nobleInputHasher
})
