/**
 * The sha256 the reports compute over their inputs while streaming them (recorded in
 * `inputs.*.sha256`, so a report names exactly the bytes it was computed from).
 *
 * The default is @noble/hashes: plain JavaScript, runs wherever the domain runs (Node, Deno,
 * Lambda). It hashes at roughly 150–240 MB/s on a small machine — the main cost of a report
 * run — so an edge that has a native hash (node:crypto) may provide a faster one:
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
