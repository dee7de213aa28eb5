/**
 * The sha256 of bytes already in memory (a population response, a listing page), in
 * lower-case hex: Web Crypto's one-shot digest, native on Node, Deno and Lambda alike.
 */
import { bytesToHex } from "@noble/hashes/utils.js"
import * as Effect from "effect/Effect"

export const sha256Hex = (bytes: Uint8Array): Effect.Effect<string> =>
  Effect.promise(() => crypto.subtle.digest("SHA-256", bytes as Uint8Array<ArrayBuffer>)).pipe(
    Effect.map((digest) => bytesToHex(new Uint8Array(digest)))
  )
