/**
 * How long a person waits for the quest command, whole process, fresh each time:
 * `quest --help` against a bare `node -e ""`; `quest report` on the fixture store against
 * DuckDB's Node binding computing the same three reports (bench/duckdbReports.mjs); a
 * `quest sync` with nothing to do, against the fake BLS on a loopback port; and the same
 * help on Deno (`deno task quest --help`) against a bare `deno eval ""`.
 *
 * The commands of a comparison run in turn, round after round, and the medians are
 * compared, so a burst of load from elsewhere hits both sides alike.
 *
 * Options: `--rounds N` (default 9).
 */
import { existsSync, mkdirSync, rmSync } from "node:fs"
import { createRequire } from "node:module"
import * as path from "node:path"
import { startFixtureServer } from "../test/support/fixtureServer.ts"
import { benchDir, fixtureStore } from "./inputs.ts"
import type { BenchCase, Benchmark } from "./run.ts"
import { option } from "./options.ts"
import { alternate, type Command, projectRoot, questBin, runOnce, spreadNote, type Summary } from "./wholeProcess.ts"

/** The floors of issue 18: speed a user would notice, nothing finer. */
const HELP_VS_NODE = 6
const OFFLINE_RUN_SECONDS = 3
const REPORT_VS_DUCKDB = 1.5

const notes: Array<string> = []

const node = (label: string, args: ReadonlyArray<string>, extra: Partial<Command> = {}): Command => ({
  label,
  file: process.execPath,
  args,
  ...extra
})
const quest = (label: string, args: ReadonlyArray<string>, extra: Partial<Command> = {}): Command => ({
  label,
  file: questBin,
  args,
  ...extra
})

/** DuckDB's Node binding is a devDependency only the bench uses: without it, no comparison. */
export const duckdbAvailable = (): boolean => {
  try {
    createRequire(import.meta.url).resolve("@duckdb/node-api")
    return true
  } catch {
    return false
  }
}

/** DuckDB writes its reports under `.bench/duckdb-out/<store>/`, rewritten each run. */
export const duckdbReports = (label: string, store: string, threads: number): Command => {
  const out = path.join(benchDir, "duckdb-out", path.basename(store))
  mkdirSync(out, { recursive: true })
  return node(label, [path.join(projectRoot, "bench", "duckdbReports.mjs"), store, String(threads), out], { node: true })
}

const ms = (s: Summary) => s.seconds * 1000

const timeCase = (s: Summary, target?: { below: number; why: string }): BenchCase => ({
  case: s.label,
  measurements: [
    { name: "time (median)", value: ms(s), unit: "ms", decimals: 0, ...(target ? { target } : {}) },
    ...(s.peakRss === undefined ? [] : [{ name: "peak RSS", value: s.peakRss / 1e6, unit: "MB" }])
  ]
})

const benchmark: Benchmark = {
  name: "start-up",
  notes: () => notes,
  run: async (args) => {
    const rounds = option(args, "--rounds", 9)
    notes.length = 0
    const cases: Array<BenchCase> = []

    // quest --help against a bare Node start. The first run fills Node's compile cache if
    // the sources changed (an unmeasured warm-up round).
    console.error("  quest --help vs node -e \"\"…")
    const [bare, help] = await alternate([node('node -e ""', ["-e", ""]), quest("quest --help", ["--help"])], {
      rounds,
      warmup: 1
    })
    cases.push(timeCase(bare!), timeCase(help!, { below: ms(bare!) * HELP_VS_NODE, why: `${HELP_VS_NODE} × node -e ""` }))

    // The demo a newcomer runs first, from a clean store each round.
    console.error("  quest run --offline from a clean store…")
    const demoStore = path.join(benchDir, "offline-store")
    const [offline] = await alternate([{
      label: "quest run --offline (clean store)",
      file: "/bin/sh",
      args: ["-c", 'rm -rf "$1" && mkdir -p "$1" && exec "$0" "$2" run --offline --store "$1"', process.execPath, demoStore, questBin]
    }], { rounds })
    cases.push(timeCase(offline!, { below: OFFLINE_RUN_SECONDS * 1000, why: "issue 18" }))

    // quest report on the fixture store against DuckDB's whole run on the same files.
    const store = await fixtureStore()
    const report = quest("quest report (fixture)", ["report", "--store", store], { node: true })
    if (duckdbAvailable()) {
      console.error("  quest report vs DuckDB on the fixture…")
      const [duck, mine] = await alternate([duckdbReports("DuckDB, same reports (fixture, 2 threads)", store, 2), report], {
        rounds,
        warmup: 1
      })
      cases.push(
        timeCase(duck!),
        timeCase(mine!, { below: ms(duck!) * REPORT_VS_DUCKDB, why: `${REPORT_VS_DUCKDB} × DuckDB's whole run` })
      )
      notes.push(`spread of the timed rounds (max−min)/median: ${spreadNote([bare!, help!, duck!, mine!])}`)
    } else {
      const [mine] = await alternate([report], { rounds, warmup: 1 })
      cases.push(timeCase(mine!))
      notes.push("DuckDB comparison skipped: @duckdb/node-api (an optional dependency) is not installed")
    }

    // A sync with nothing to do: the store already mirrors the fake BLS on a loopback port.
    console.error("  no-op quest sync against a loopback BLS…")
    const server = await startFixtureServer()
    const syncStore = path.join(benchDir, "sync-store")
    try {
      rmSync(syncStore, { recursive: true, force: true })
      mkdirSync(syncStore, { recursive: true })
      const sync = quest("quest sync, nothing to do (loopback BLS)", [
        "sync",
        "--store",
        syncStore,
        "--bls-base-url",
        server.blsBaseUrl,
        "--contact",
        "bench@example.com"
      ])
      await runOnce(sync) // fills the mirror; the runs after it find nothing to do
      const [noop] = await alternate([sync], { rounds })
      cases.push(timeCase(noop!))
    } finally {
      await server.close()
    }

    // Deno: the same command, as `deno task quest` runs it.
    const deno = path.join(projectRoot, "node_modules", ".bin", "deno")
    if (existsSync(deno)) {
      console.error("  deno task quest --help vs deno eval \"\"…")
      const [bareDeno, denoHelp] = await alternate([
        { label: 'deno eval ""', file: deno, args: ["eval", ""] },
        { label: "deno task quest --help", file: deno, args: ["task", "--quiet", "quest", "--help"], cwd: projectRoot }
      ], { rounds, warmup: 1 })
      cases.push(timeCase(bareDeno!), timeCase(denoHelp!))
      notes.push(`Deno rounds' spread: ${spreadNote([bareDeno!, denoHelp!])}`)
    }
    return cases
  }
}

export default benchmark
