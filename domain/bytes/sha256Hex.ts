/**
 * The sha256 of bytes already in memory (a population response, a listing page), in
 * lower-case hex: Web Crypto's one-shot digest, native on Node, Deno and Lambda alike.
 */
import { Effect } from "effect"

const hex = Array.from({ length: 256 }, (_, byte) => byte.toString(16).padStart(2, "0"))

export const toHex = (digest: ArrayBuffer | Uint8Array): string => {
  const bytes = digest instanceof Uint8Array ? digest : new Uint8Array(digest)
  let text = ""
  for (const byte of bytes) text += hex[byte]
  return text
}

export const sha256Hex = (bytes: Uint8Array): Effect.Effect<string> =>
  Effect.promise(() => crypto.subtle.digest("SHA-256", bytes as Uint8Array<ArrayBuffer>)).pipe(Effect.map(toHex))
