/**
 * Every sha256 the pipeline computes is the standard one, on the real BLS data streamed in
 * pieces as a download arrives: the portable default (pure-JS noble, what the domain uses
 * when nothing is provided), the native digest every shipped entry provides, and Web
 * Crypto's one-shot digest of a body held in memory.
 */
import { readFileSync } from "node:fs"
import * as Effect from "effect/Effect"
import { describe, expect, it } from "vitest"
import { nativeSha256 } from "../../adapters/nativeHasher.ts"
import { digestBody } from "../../domain/bytes/digestingStream.ts"
import { sha256Hex } from "../../domain/bytes/sha256Hex.ts"
import { type IncrementalHash, StreamingSha256, type StreamingSha256Shape } from "../../domain/bytes/streamingSha256.ts"

const data = readFileSync(new URL("../fixtures/bls/pr/pr.data.0.Current", import.meta.url))
const allData = readFileSync(new URL("../fixtures/bls/pr/pr.data.1.AllData", import.meta.url))
// Worked out independently of the code under test (`sha256sum` of the fixture files).
const DATA_SHA256 = "902adfa1eb28dff1c9f91336f5a9bdc8c88d974ad456c143e7d2cdcb0046cf4b"
const ALL_DATA_SHA256 = "d98cb1f206c740dac1c1bb4948aad18656b5f5b069a2738cb954236b86e46af9"
const EMPTY_SHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

const inPieces = (bytes: Uint8Array, size = 65_536) =>
  new ReadableStream<Uint8Array>({
    start(controller) {
      for (let at = 0; at < bytes.byteLength; at += size) controller.enqueue(bytes.subarray(at, at + size))
      controller.close()
    }
  })

/** A hash from the shape the domain resolves: the default when `provided` is undefined. */
const hashFrom = (provided?: StreamingSha256Shape) => {
  const hash = Effect.gen(function*() {
    const hasher = yield* StreamingSha256
    return yield* hasher.sha256()
  })
  return Effect.runPromise(provided === undefined ? hash : Effect.provideService(hash, StreamingSha256, provided))
}

const streamed = async (bytes: Uint8Array, hash: IncrementalHash) => {
  const body = digestBody(inPieces(bytes), bytes.byteLength, hash)
  await body.body.pipeTo(new WritableStream())
  return { bytes: body.bytes(), sha256: body.sha256() }
}

describe.each([
  ["the portable default (pure JS)", undefined],
  ["the native digest (node:crypto)", nativeSha256]
])("a download streamed through %s", (_, provided) => {
  it("is counted and hashed to the file's sha256", async () => {
    expect(await streamed(data, await hashFrom(provided))).toEqual({ bytes: data.byteLength, sha256: DATA_SHA256 })
  })

  it("gives the empty body's sha256 for an empty body", async () => {
    expect(await streamed(new Uint8Array(0), await hashFrom(provided))).toEqual({ bytes: 0, sha256: EMPTY_SHA256 })
  })

  it("keeps downloads in flight together apart: each gets its own file's sha256", async () => {
    const [a, b] = [await hashFrom(provided), await hashFrom(provided)]
    // Pieces of two files fed in turn, as concurrent transfers interleave.
    for (let at = 0; at < allData.byteLength; at += 16_384) {
      if (at < data.byteLength) a.update(data.subarray(at, at + 16_384))
      b.update(allData.subarray(at, at + 16_384))
    }
    expect([a.digestHex(), b.digestHex()]).toEqual([DATA_SHA256, ALL_DATA_SHA256])
  })
})

describe("the portable default", () => {
  it("hashes without compiling WebAssembly, which workerd refuses at run time", async () => {
    // workerd's refusal, stood in for: every way to compile a module throws.
    const refuse = () => {
      throw new Error("Wasm code generation disallowed by embedder")
    }
    const original = globalThis.WebAssembly
    globalThis.WebAssembly = { ...original, compile: refuse, instantiate: refuse, Module: refuse } as unknown as typeof WebAssembly
    try {
      expect(await streamed(data, await hashFrom())).toEqual({ bytes: data.byteLength, sha256: DATA_SHA256 })
    } finally {
      globalThis.WebAssembly = original
    }
  })
})

describe("a body held in memory", () => {
  it("is counted without a hash on the way, and Web Crypto's one-shot digest is its sha256", async () => {
    const body = digestBody(inPieces(data), data.byteLength)
    await body.body.pipeTo(new WritableStream())
    expect([body.bytes(), body.sha256()]).toEqual([data.byteLength, undefined])
    expect(await Effect.runPromise(sha256Hex(data))).toBe(DATA_SHA256)
  })
})
