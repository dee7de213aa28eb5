/**
 * The streaming sha256 of a body too large to hold: a download checked as it streams to
 * the store (bls/transferFile.ts), and the BLS file the reports read when the mirror
 * recorded no sha256 for it (reports/runReports.ts). Web Crypto has no streaming digest,
 * so the hash is fed chunk by chunk as the bytes go past. (Bytes already in memory need
 * none of this: sha256Hex.ts is Web Crypto's one-shot digest, native everywhere.)
 *
 * Every shipped entry provides the runtime's native digest (adapters/nativeHasher.ts:
 * node:crypto, which Node, Lambda and Deno all have). What runs without one gets the
 * fastest portable digest measured here, hash-wasm's WebAssembly SHA-256, ahead of pure-JS
 * noble (`npm run bench -- --only hashing` prints all three). Any implementation gives the
 * standard sha256 in lower-case hex.
 */
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

/** Loaded on first use: an entry that provides a native digest never loads it. */
const wasmSha256: StreamingSha256Shape = {
  sha256: () => Effect.promise(() => import("./wasmSha256.ts").then((wasm) => wasm.wasmHash()))
}

export const StreamingSha256 = Context.Reference<StreamingSha256Shape>("quest/StreamingSha256", {
  defaultValue: () => wasmSha256
})
