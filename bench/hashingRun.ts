/**
 * One measured digest path, the child side of hashing.bench.ts, run in a fresh Node or Deno
 * process: `hashingRun PATH MB` hashes MB megabytes of BLS rows the way the domain hashes
 * them and prints one JSON line (bytes, seconds, CPU seconds, sha256).
 *
 * PATH is
 * - `native`, `portable`: a download streamed through the download check (digestBody,
 *   64 KiB chunks as a socket or a file delivers them) with node:crypto's digest (what every
 *   shipped entry provides) or the domain's default (what it gets when nothing is
 *   provided: pure-JS noble, which runs on workerd too);
 * - `webcrypto`: the same bytes as 8 MiB bodies held in memory, each given Web Crypto's
 *   one-shot digest (sha256Hex), as the sync verifies every body up to 8 MiB.
 */
import { readFileSync } from "node:fs"
import process from "node:process"
import * as Effect from "effect/Effect"
import { nativeSha256 } from "../adapters/nativeHasher.ts"
import { digestBody } from "../domain/bytes/digestingStream.ts"
import { sha256Hex } from "../domain/bytes/sha256Hex.ts"
import { StreamingSha256, type StreamingSha256Shape } from "../domain/bytes/streamingSha256.ts"

const PATHS = ["native", "portable", "webcrypto"] as const
type DigestPath = typeof PATHS[number]

const CHUNK = 64 * 1024
const BODY = 8 * 1024 * 1024

/** 8 MiB of real BLS rows (the fixture repeated): what every chunk and body is cut from. */
const rows = (): Uint8Array => {
  const fixture = readFileSync(new URL("../test/fixtures/bls/pr/pr.data.1.AllData", import.meta.url))
  const bytes = new Uint8Array(BODY)
  for (let at = 0; at < BODY; at += fixture.byteLength) bytes.set(fixture.subarray(0, BODY - at), at)
  return bytes
}

/** `total` bytes in 64 KiB chunks, a fresh view each, as a response body arrives. */
const body = (source: Uint8Array, total: number) => {
  let sent = 0
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      if (sent >= total) return controller.close()
      const at = sent % source.byteLength
      const size = Math.min(CHUNK, total - sent, source.byteLength - at)
      controller.enqueue(source.subarray(at, at + size))
      sent += size
    }
  })
}

/** The hash the domain resolves: its default unless the edge provides one. */
const hashOf = (provided: StreamingSha256Shape | undefined) => {
  const hash = Effect.gen(function*() {
    const hasher = yield* StreamingSha256
    return yield* hasher.sha256()
  })
  return Effect.runPromise(provided === undefined ? hash : Effect.provideService(hash, StreamingSha256, provided))
}

const streamed = async (path: Exclude<DigestPath, "webcrypto">, source: Uint8Array, total: number) => {
  const provided = path === "native" ? nativeSha256 : undefined
  const checked = digestBody(body(source, total), total, await hashOf(provided))
  await checked.body.pipeTo(new WritableStream())
  return checked.sha256()!
}

/** One-shot digests of whole bodies; the result names the last one (each is the same bytes). */
const inMemory = async (source: Uint8Array, total: number) => {
  let last = ""
  for (let done = 0; done < total; done += source.byteLength) {
    last = await Effect.runPromise(sha256Hex(source.subarray(0, Math.min(source.byteLength, total - done))))
  }
  return last
}

const main = async () => {
  const [path, megabytes] = process.argv.slice(2) as [DigestPath, string]
  if (!PATHS.includes(path)) throw new Error(`unknown digest path ${path}: one of ${PATHS.join(", ")}`)
  const total = Number(megabytes) * 1e6
  const source = rows()
  const started = performance.now()
  const cpu = process.cpuUsage()
  const sha256 = path === "webcrypto" ? await inMemory(source, total) : await streamed(path, source, total)
  const used = process.cpuUsage(cpu)
  console.log(JSON.stringify({
    bytes: total,
    seconds: (performance.now() - started) / 1000,
    cpuSeconds: (used.user + used.system) / 1e6,
    sha256
  }))
}

await main()
