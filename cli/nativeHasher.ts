/**
 * For a BLS file without the sha256 the mirror records, the reports hash it while reading;
 * the runtime's native sha256 (node:crypto, which Deno provides too) is several times
 * faster at that than the portable default.
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
