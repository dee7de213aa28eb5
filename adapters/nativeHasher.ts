/**
 * The runtime's native streaming sha256 (domain/bytes/streamingSha256.ts): node:crypto,
 * which Node, Lambda and Deno (its Node compatibility) all have, several times faster than
 * the portable pure-JS default. Every shipped entry provides it: the CLI (on Node and
 * Deno), both Lambdas and the Deno server.
 */
import { createHash } from "node:crypto"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import { type IncrementalHash, StreamingSha256, type StreamingSha256Shape } from "../domain/bytes/streamingSha256.ts"

const nodeSha256 = (): IncrementalHash => {
  const hash = createHash("sha256")
  return { update: (chunk) => void hash.update(chunk), digestHex: () => hash.digest("hex") }
}

export const nativeSha256: StreamingSha256Shape = { sha256: () => Effect.sync(nodeSha256) }

export const nativeSha256Layer = Layer.succeed(StreamingSha256, nativeSha256)
