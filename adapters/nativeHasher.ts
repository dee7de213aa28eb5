/** The runtime's native streaming sha256 (node:crypto, in Node, Lambda, Deno and workerd), which every shipped entry provides. */
import { createHash } from "node:crypto"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import { type IncrementalHash, StreamingSha256, type StreamingSha256Shape } from "../domain/bytes/streamingSha256.ts"

export const nativeSha256: StreamingSha256Shape = {
  sha256: () =>
    Effect.sync((): IncrementalHash => {
      const hash = createHash("sha256")
      return { update: (chunk) => void hash.update(chunk), digestHex: () => hash.digest("hex") }
    })
}

export const nativeSha256Layer = Layer.succeed(StreamingSha256, nativeSha256)
