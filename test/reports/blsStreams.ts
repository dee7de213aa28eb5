/** BLS bytes for the report tests: the fixture, hand-written files, and streams cut anywhere. */
import { readFileSync } from "node:fs"

export const blsFixture = new Uint8Array(
  readFileSync(new URL("../fixtures/bls/pr/pr.data.0.Current", import.meta.url))
)

export const HEADER = "series_id        \tyear\tperiod\t       value\tfootnote_codes"

/** A BLS file as BLS pads it: `row("PRS30006011", 1995, "Q01", "2.6")`. */
export const row = (series: string, year: number | string, period: string, value: string, footnote = "") =>
  `${series.padEnd(17)}\t${year}\t${period}\t${value.padStart(12)}\t${footnote}`

export const blsFile = (rows: ReadonlyArray<string>, eol = "\n") => [HEADER, ...rows].join(eol) + eol

/** Deterministic pseudo-random numbers (mulberry32), so a failing cut can be replayed. */
export const seeded = (seed: number) => () => {
  seed = (seed + 0x6d2b79f5) | 0
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed)
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296
}

/** Cuts bytes into chunks of 1..maxSize bytes at random places. */
export const randomChunks = (bytes: Uint8Array, maxSize: number, random = seeded(7)): Array<Uint8Array> => {
  const chunks: Array<Uint8Array> = []
  for (let at = 0; at < bytes.length;) {
    const size = 1 + Math.floor(random() * maxSize)
    chunks.push(bytes.slice(at, at + size))
    at += size
  }
  return chunks
}

export const byteChunks = (bytes: Uint8Array): Array<Uint8Array> => Array.from(bytes, (byte) => Uint8Array.of(byte))

export const streamOf = (chunks: ReadonlyArray<Uint8Array> | Uint8Array | string): ReadableStream<Uint8Array> => {
  const list = typeof chunks === "string"
    ? [new TextEncoder().encode(chunks)]
    : chunks instanceof Uint8Array
    ? [chunks]
    : chunks
  let next = 0
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      if (next < list.length) controller.enqueue(list[next++]!)
      else controller.close()
    }
  })
}
