/** The sha256 of bytes in memory, in lower-case hex: Web Crypto's one-shot digest, native everywhere. */
import { bytesToHex } from "@noble/hashes/utils.js"
import * as Effect from "effect/Effect"

export const sha256Hex = (bytes: Uint8Array): Effect.Effect<string> =>
  Effect.promise(async () => bytesToHex(new Uint8Array(await crypto.subtle.digest("SHA-256", bytes as Uint8Array<ArrayBuffer>))))
