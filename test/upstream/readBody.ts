import { sha256 } from "@noble/hashes/sha2.js"
import { bytesToHex } from "@noble/hashes/utils.js"

/** Reads a body to its end or its first error, keeping the bytes that arrived before it. */
export const readBody = async (
  body: ReadableStream<Uint8Array> | null,
): Promise<{ readonly bytes: Uint8Array; readonly error: unknown }> => {
  const chunks: Array<Uint8Array> = []
  let error: unknown
  try {
    for await (const chunk of body ?? []) chunks.push(chunk)
  } catch (e) {
    error = e
  }
  const bytes = new Uint8Array(chunks.reduce((n, c) => n + c.byteLength, 0))
  chunks.reduce((offset, c) => (bytes.set(c, offset), offset + c.byteLength), 0)
  return { bytes, error }
}

/** A User-Agent with contact information, as BLS requires. */
export const CONTACT_UA = "quest-tests/1.0 (tests@example.com)"

/** Compares megabytes quickly: vitest's deep equality walks typed arrays byte by byte. */
export const digest = (bytes: Uint8Array | undefined): string => (bytes ? bytesToHex(sha256(bytes)) : "none")
