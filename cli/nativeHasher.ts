/**
 * The reports hash their inputs while streaming them, the main cost of a report run; the
 * runtime's native sha256 (node:crypto, which Deno provides too) is several times faster
 * than the portable default the domain falls back to.
 */
import { createHash } from "node:crypto"
import type { InputHasherShape } from "../domain/reports/inputHasher.ts"

export const nativeInputHasher: InputHasherShape = {
  sha256: () => {
    const hash = createHash("sha256")
    return {
      update: (chunk) => void hash.update(chunk),
      digestHex: () => hash.digest("hex")
    }
  }
}
