/**
 * The sync's download check gives the same sha256 with the portable default (noble) and
 * with the native digest the CLI provides, on the real BLS data file streamed in pieces.
 */
import { readFileSync } from "node:fs"
import { describe, expect, it } from "vitest"
import { nativeSha256 } from "../../adapters/nativeHasher.ts"
import type { IncrementalHash } from "../../domain/bytes/bodyHasher.ts"
import { digestBody } from "../../domain/bytes/digestingStream.ts"

const file = readFileSync(new URL("../fixtures/bls/pr/pr.data.0.Current", import.meta.url))
const inPieces = () =>
  new ReadableStream<Uint8Array>({
    start(controller) {
      for (let at = 0; at < file.byteLength; at += 65_536) controller.enqueue(file.subarray(at, at + 65_536))
      controller.close()
    }
  })

const digestWith = async (hash?: IncrementalHash) => {
  const body = digestBody(inPieces(), file.byteLength, hash)
  await body.body.pipeTo(new WritableStream())
  return body.digest()
}

describe("the download check's sha256", () => {
  it("is the file's sha256 with the default and with the native digest", async () => {
    const expected = Buffer.from(await crypto.subtle.digest("SHA-256", file)).toString("hex")
    expect(await digestWith()).toEqual({ bytes: file.byteLength, sha256: expected })
    expect(await digestWith(nativeSha256())).toEqual({ bytes: file.byteLength, sha256: expected })
  })
})
