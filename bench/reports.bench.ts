/**
 * The reports' throughput and peak memory: `runReports` against a local-folder store, on the
 * fixture BLS file and on a large file generated from its rows (≥ 500 MB by default, every
 * copy with its own series ids, so the per-series state grows as it would with real data).
 *
 * Each case runs in a fresh child process (bench/reportsRun.ts, bundled with esbuild as the
 * Lambda's code is), so its peak RSS is its own and not the generator's or another case's.
 * Inputs live in `.bench/` (gitignored) and are reused while their recipe is unchanged.
 *
 * Options: `--size-mb N` (default 500) for the generated input.
 */
import { execFile } from "node:child_process"
import * as path from "node:path"
import { fileURLToPath } from "node:url"
import { promisify } from "node:util"
import { benchDir, copiesStore, fixtureStore, MB } from "./inputs.ts"
import type { BenchCase, Benchmark } from "./run.ts"

const here = path.dirname(fileURLToPath(import.meta.url))
const TARGET_MB_PER_S = 150
const TARGET_RSS_MB = 150

/** `recorded`: the BLS file as the mirror leaves it, its sha256 in its metadata; `unrecorded`: no record, so the run hashes it (noble). */
type Mode = "recorded" | "unrecorded" | "idle"

interface ChildResult {
  readonly bytes: number
  readonly seconds: number
  readonly cpuSeconds: number
  readonly maxRssMB: number
  readonly rows: number
  readonly series: number
}

/**
 * The child program, bundled with esbuild as the Lambda bundles its handlers: what is
 * measured is the deployed shape of the code, not TypeScript stripping at load time.
 */
const bundleChild = async (): Promise<string> => {
  const { build } = await import("esbuild")
  const outfile = path.join(benchDir, "reports-run.mjs")
  await build({
    entryPoints: [path.join(here, "reportsRun.ts")],
    outfile,
    bundle: true,
    platform: "node",
    target: "node22",
    format: "esm",
    logLevel: "error"
  })
  return outfile
}

const inChild = async (
  child: string,
  store: string,
  mode: Mode,
  nodeFlags: ReadonlyArray<string> = []
): Promise<ChildResult> => {
  const { stdout } = await promisify(execFile)(process.execPath, [...nodeFlags, child, store, mode], {
    maxBuffer: 1 << 20
  })
  return JSON.parse(stdout.trim().split("\n").at(-1)!) as ChildResult
}

/**
 * The throughput target is a sustained rate: it applies to the generated input. On the
 * 1.6 MB fixture a run lasts a fraction of a second, mostly fixed costs (loading, compiling,
 * writing twelve report files), so its rate is shown without a target.
 */
const toCase = (label: string, r: ChildResult, sustained: boolean): BenchCase => ({
  case: label,
  measurements: [
    { name: "input", value: r.bytes / MB, unit: "MB" },
    { name: "series", value: r.series, unit: "", decimals: 0 },
    { name: "time", value: r.seconds, unit: "s", decimals: 2 },
    {
      name: "throughput",
      value: r.bytes / MB / r.seconds,
      unit: "MB/s",
      ...(sustained ? { target: { atLeast: TARGET_MB_PER_S } } : {})
    },
    { name: "per CPU second", value: r.bytes / MB / r.cpuSeconds, unit: "MB/s" },
    { name: "peak RSS", value: r.maxRssMB, unit: "MB", target: { below: TARGET_RSS_MB } }
  ]
})

const benchmark: Benchmark = {
  name: "reports",
  run: async (args) => {
    const sizeMB = args.includes("--size-mb") ? Number(args[args.indexOf("--size-mb") + 1]) : 500
    const smallStore = await fixtureStore()
    console.error(`  generating ≥ ${sizeMB} MB from the fixture rows in ${benchDir} (once)…`)
    const largeStore = await copiesStore(sizeMB)
    const child = await bundleChild()
    const idle = await inChild(child, smallStore, "idle")
    const cases: Array<BenchCase> = [{
      case: "idle: the child loaded, running nothing",
      measurements: [{ name: "peak RSS", value: idle.maxRssMB, unit: "MB" }]
    }]
    // As shipped: the file as the mirror leaves it (sha256 recorded, nothing to hash), V8's
    // young generation at 4 MB as the analytics Lambda's NODE_OPTIONS and bin/quest.mjs set
    // it. Then the same without that flag, and the fallback for a file stored by other
    // means (hashed while read, pure JS).
    const semiSpace = "--max-semi-space-size=4"
    for (
      const [label, store, mode, flags] of [
        [`fixture, as shipped (${semiSpace})`, smallStore, "recorded", [semiSpace]],
        [`generated, as shipped (${semiSpace})`, largeStore, "recorded", [semiSpace]],
        ["generated, default V8 heap", largeStore, "recorded", []],
        [`generated, no recorded sha256 (hashed while read), ${semiSpace}`, largeStore, "unrecorded", [semiSpace]]
      ] as const
    ) {
      console.error(`  ${label}…`)
      cases.push(toCase(label, await inChild(child, store, mode, flags), store === largeStore))
    }
    return cases
  }
}

export default benchmark

