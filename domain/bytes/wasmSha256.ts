/**
 * hash-wasm's SHA-256 in WebAssembly: the portable streaming digest, for a runtime that
 * provides no native one (streamingSha256.ts loads this module only then).
 */
import { createSHA256 } from "hash-wasm"
import type { IncrementalHash } from "./streamingSha256.ts"

export const wasmHash = async (): Promise<IncrementalHash> => {
  const hash = await createSHA256()
  hash.init()
  return { update: (chunk) => void hash.update(chunk), digestHex: () => hash.digest("hex") }
}
