/**
 * `quest sql --reports` (the saved queries on DuckDB, through the catalog's views) against
 * `quest report` (the streaming reader) and DuckDB computing the same reports directly
 * (bench/duckdbReports.mjs, its Node binding: no DuckDB command-line binary is installed
 * here), each a whole process on the generated file (≥ 500 MB, ~90 k series, inputs.ts),
 * in alternating rounds compared by their medians.
 *
 * Options: `--size-mb N` (default 500); `--sql-rounds N` (default 3).
 */
import { statSync } from "node:fs"
import { blsFileOf, copiesStore, MB } from "./inputs.ts"
import { option } from "./options.ts"
import type { BenchCase, Benchmark } from "./run.ts"
import { duckdbAvailable, duckdbReports } from "./startup.bench.ts"
import { alternate, questBin, spreadNote, type Summary } from "./wholeProcess.ts"

const notes: Array<string> = []

const quest = (label: string, args: ReadonlyArray<string>) => ({ label, file: process.execPath, args: [questBin, ...args], node: true })

const toCase = (s: Summary, bytes: number): BenchCase => ({
  case: s.label,
  measurements: [
    { name: "input", value: bytes / MB, unit: "MB" },
    { name: "time", value: s.seconds, unit: "s", decimals: 2 },
    { name: "throughput", value: bytes / MB / s.seconds, unit: "MB/s" },
    { name: "peak RSS", value: (s.peakRss ?? NaN) / MB, unit: "MB" }
  ]
})

const benchmark: Benchmark = {
  name: "sql",
  notes: () => notes,
  run: async (args) => {
    notes.length = 0
    if (!duckdbAvailable()) {
      notes.push("skipped: @duckdb/node-api (an optional dependency) is not installed")
      return []
    }
    const store = await copiesStore(option(args, "--size-mb", 500))
    const bytes = statSync(blsFileOf(store)).size
    const rounds = option(args, "--sql-rounds", 3)
    console.error(`  quest sql --reports vs quest report vs DuckDB (${rounds} alternating rounds)…`)
    const summaries = await alternate([
      quest("quest sql --reports --json (DuckDB, saved queries)", ["sql", "--reports", "--json", "--store", store]),
      quest("quest report (streaming reader, stores the reports)", ["report", "--store", store]),
      duckdbReports("DuckDB, same reports, hand-written (2 threads)", store, 2)
    ], { rounds })
    notes.push(`spread of the rounds (max−min)/median: ${spreadNote(summaries)}`)
    notes.push("quest sql also hashes both inputs for the document's sha256 (beside DuckDB, not after it)")
    return summaries.map((summary) => toCase(summary, bytes))
  }
}

export default benchmark
