/**
 * The reports' throughput and peak memory: `runReports` against a local-folder store, on the
 * fixture BLS file and on a large file generated from its rows (≥ 500 MB by default, ~90 k
 * series, see inputs.ts).
 *
 * Two shapes, each a fresh process so its peak RSS is its own:
 * - the report run alone (bench/reportsRun.ts, bundled with esbuild as the Lambda's code
 *   is), timed inside the process: the analytics Lambda's shape;
 * - `quest report` as a person runs it, timed from spawn to exit, beside DuckDB's Node
 *   binding computing the same reports from the same file (bench/duckdbReports.mjs, two
 *   threads: this machine's cores), in alternating rounds compared by their medians.
 *
 * Options: `--size-mb N` (default 500) for the generated input; `--large-rounds N`
 * (default 3) for the whole-process comparison.
 */
import { execFile } from "node:child_process"
import * as path from "node:path"
import { fileURLToPath } from "node:url"
import { promisify } from "node:util"
import { benchDir, blsFileOf, copiesStore, fixtureStore, MB } from "./inputs.ts"
import type { BenchCase, Benchmark, Measurement } from "./run.ts"
import { duckdbAvailable, duckdbReports } from "./startup.bench.ts"
import { option } from "./options.ts"
import { alternate, questBin, spreadNote, type Summary } from "./wholeProcess.ts"
import { statSync } from "node:fs"

const here = path.dirname(fileURLToPath(import.meta.url))
/** The floors of issue 18, on the generated file. */
const TARGET_MB_PER_S = 60
const TARGET_RSS_MB = 256

/**
 * `recorded`: the BLS file as the mirror leaves it, its sha256 in its metadata;
 * `unrecorded`: no record, so the run hashes it while reading (native digest, as the CLI and
 * the Lambda provide).
 */
type Mode = "recorded" | "unrecorded" | "idle"

const notes: Array<string> = []

interface ChildResult {
  readonly bytes: number
  readonly seconds: number
  readonly cpuSeconds: number
  readonly maxRssMB: number
  readonly youngMB: number
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
    { name: "peak RSS", value: r.maxRssMB, unit: "MB", target: { below: TARGET_RSS_MB } },
    { name: "young gen", value: r.youngMB, unit: "MB" }
  ]
})

/** A whole `quest report` (or DuckDB) process: wall time, throughput, peak RSS. */
const wholeCase = (
  s: Summary,
  bytes: number,
  series: number,
  targets: { throughput?: Measurement["target"]; rss?: Measurement["target"] } = {}
): BenchCase => ({
  case: s.label,
  measurements: [
    { name: "input", value: bytes / MB, unit: "MB" },
    { name: "series", value: series, unit: "", decimals: 0 },
    { name: "time", value: s.seconds, unit: "s", decimals: 2 },
    { name: "throughput", value: bytes / MB / s.seconds, unit: "MB/s", ...(targets.throughput ? { target: targets.throughput } : {}) },
    { name: "peak RSS", value: (s.peakRss ?? NaN) / MB, unit: "MB", ...(targets.rss ? { target: targets.rss } : {}) }
  ]
})

const questReport = (label: string, store: string) => ({ label, file: questBin, args: ["report", "--store", store], node: true })

const benchmark: Benchmark = {
  name: "reports",
  notes: () => notes,
  run: async (args) => {
    notes.length = 0
    const sizeMB = option(args, "--size-mb", 500)
    const rounds = option(args, "--large-rounds", 3)
    const smallStore = await fixtureStore()
    console.error(`  generating a ≥ ${sizeMB} MB input from the fixture rows in ${benchDir} (once)…`)
    const largeStore = await copiesStore(sizeMB)
    const child = await bundleChild()
    const idle = await inChild(child, smallStore, "idle")
    const cases: Array<BenchCase> = [{
      case: "idle: the child loaded, running nothing",
      measurements: [{ name: "peak RSS", value: idle.maxRssMB, unit: "MB" }]
    }]
    // V8's default heap, and the 4 MB young generation the analytics Lambda's NODE_OPTIONS
    // sets (infra/functions.ts); then a file stored by other means (hashed while read).
    const semiSpace = "--max-semi-space-size=4"
    for (
      const [label, store, mode, flags] of [
        ["fixture", smallStore, "recorded", []],
        ["generated, default V8 heap", largeStore, "recorded", []],
        [`generated, ${semiSpace} (the Lambda's NODE_OPTIONS)`, largeStore, "recorded", [semiSpace]],
        ["generated, no recorded sha256: native digest, default V8 heap", largeStore, "unrecorded", []]
      ] as const
    ) {
      console.error(`  ${label}…`)
      cases.push(toCase(label, await inChild(child, store, mode, flags), store === largeStore))
    }

    // `quest report` as a whole process, beside DuckDB on the same file.
    const bytes = statSync(blsFileOf(largeStore)).size
    const series = Number(cases[2]!.measurements.find((m) => m.name === "series")!.value)
    const withDuck = duckdbAvailable()
    if (!withDuck) notes.push("DuckDB comparison skipped: @duckdb/node-api (an optional dependency) is not installed")
    console.error(`  quest report${withDuck ? " vs DuckDB" : ""}, generated (${rounds} alternating rounds)…`)
    const [mine, duck] = await alternate([
      questReport("quest report, generated (whole process)", largeStore),
      ...(withDuck ? [duckdbReports("DuckDB, same reports, generated (2 threads)", largeStore, 2)] : [])
    ], { rounds })
    cases.push(wholeCase(mine!, bytes, series, { throughput: { atLeast: TARGET_MB_PER_S }, rss: { below: TARGET_RSS_MB } }))
    if (duck !== undefined) cases.push(wholeCase(duck, bytes, series))
    notes.push(`spread of the rounds (max−min)/median: ${spreadNote([mine!, ...(duck ? [duck] : [])])}`)
    return cases
  }
}

export default benchmark

