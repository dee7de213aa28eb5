/**
 * The speed of every sha256 the pipeline computes over a body, as shipped: each digest
 * path hashes the same 500 MB of BLS rows (`--hash-mb N`) the way the domain calls it, in
 * a fresh process per run (bench/hashingRun.ts), on Node (the CLI and both Lambdas) and on
 * Deno (`deno task quest`, `deno task serve`) when its binary is installed:
 *
 * - node:crypto's streaming digest: what every shipped entry provides, for a download that
 *   streams to the store and for a BLS file the reports read with no recorded sha256;
 * - Web Crypto's one-shot digest of 8 MiB bodies: every body the sync holds in memory;
 * - noble's pure-JS digest: the domain's portable default, for code that provides nothing
 *   (a runtime without node:crypto, such as workerd without its Node compatibility).
 *
 * Rounds alternate the paths (`--hash-rounds N`, default 3), so a burst of load elsewhere
 * hits them alike; each figure is the median of the children's own timing (the hashing,
 * not the process start), and the notes give the spread.
 */
import { existsSync } from "node:fs"
import * as path from "node:path"
import { option } from "./options.ts"
import type { BenchCase, Benchmark } from "./run.ts"
import { alternate, type Command, median, projectRoot } from "./wholeProcess.ts"

/** The goal of issue 12, on every path a shipped entry hashes with. */
const TARGET_MB_PER_S = 150

const child = path.join(projectRoot, "bench", "hashingRun.ts")
const deno = path.join(projectRoot, "node_modules", ".bin", "deno")

interface DigestCase {
  readonly label: string
  readonly path: "native" | "portable" | "webcrypto"
  /** Shipped: an entry hashes with it, so the goal applies. */
  readonly shipped: boolean
}

const DIGESTS: ReadonlyArray<DigestCase> = [
  { label: "node:crypto, streamed (native, every entry provides it)", path: "native", shipped: true },
  { label: "Web Crypto one-shot, 8 MiB bodies in memory (the sync's small files)", path: "webcrypto", shipped: true },
  { label: "noble pure JS, streamed (portable default, no goal: no Node or Deno entry uses it)", path: "portable", shipped: false }
]

interface ChildResult {
  readonly bytes: number
  readonly seconds: number
  readonly cpuSeconds: number
  readonly sha256: string
}

const notes: Array<string> = []

const benchmark: Benchmark = {
  name: "hashing",
  notes: () => notes,
  run: async (args) => {
    notes.length = 0
    const megabytes = option(args, "--hash-mb", 500)
    const rounds = option(args, "--hash-rounds", 3)
    const runtimes = [
      { name: "Node", file: process.execPath, args: ["--experimental-strip-types", "--no-warnings", child] },
      ...(existsSync(deno) ? [{ name: "Deno", file: deno, args: ["run", `--allow-read=${projectRoot}`, "--allow-env", child] }] : [])
    ]
    if (runtimes.length === 1) notes.push("Deno skipped: node_modules/.bin/deno is not installed (npm install --include=dev)")
    const measured = runtimes.flatMap((runtime) =>
      DIGESTS.map((digest) => ({
        runtime,
        digest,
        command: {
          label: `${runtime.name} · ${digest.label}`,
          file: runtime.file,
          args: [...runtime.args, digest.path, String(megabytes)],
          cwd: projectRoot
        } satisfies Command
      }))
    )
    console.error(`  ${measured.length} digest paths × ${rounds} rounds, ${megabytes} MB each…`)
    const summaries = await alternate(measured.map((m) => m.command), { rounds })
    const streamedSha256 = new Set<string>()
    const cases = summaries.map((summary, i): BenchCase => {
      const { digest } = measured[i]!
      const results = summary.runs.map((run) => JSON.parse(run.stdout.trim().split("\n").at(-1)!) as ChildResult)
      if (digest.path !== "webcrypto") results.forEach((r) => streamedSha256.add(r.sha256))
      const rates = results.map((r) => r.bytes / 1e6 / r.seconds)
      const rate = median(rates)
      notes.push(`${summary.label}: rounds ${rates.map((r) => r.toFixed(0)).join(", ")} MB/s, spread ${
        Math.round(((Math.max(...rates) - Math.min(...rates)) / rate) * 100)
      }%`)
      return {
        case: summary.label,
        measurements: [
          { name: "throughput", value: rate, unit: "MB/s", decimals: 0, ...(digest.shipped ? { target: { atLeast: TARGET_MB_PER_S } } : {}) },
          { name: "per CPU second", value: median(results.map((r) => r.bytes / 1e6 / r.cpuSeconds)), unit: "MB/s", decimals: 0 }
        ]
      }
    })
    // Every streamed path hashed the same bytes: one sha256, or one of them is wrong.
    if (streamedSha256.size !== 1) throw new Error(`the streamed digests disagree: ${[...streamedSha256].join(", ")}`)
    return cases
  }
}

export default benchmark
