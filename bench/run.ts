/**
 * `npm run bench`: runs every `bench/*.bench.ts` and prints one table of what they measured.
 *
 * A benchmark file default-exports a {@link Benchmark}. Each one decides how it measures
 * (the reports run every case in a fresh child process, so peak memory is that case's own).
 * Adding a benchmark is adding a file; nothing here changes.
 *
 * Options: `--only NAME` runs the benchmarks whose name contains NAME; `--check` exits 1
 * when a measurement misses its target (the default only reports it).
 * Other options are passed to the benchmarks (e.g. the reports' `--size-mb 500`).
 */
import { readdirSync } from "node:fs"
import { fileURLToPath, pathToFileURL } from "node:url"
import * as path from "node:path"
import { machine, sectionOf, writeBenchmarksPage } from "./benchmarksPage.ts"

export interface Measurement {
  readonly name: string
  readonly value: number
  readonly unit: string
  readonly decimals?: number
  /**
   * The goal: the value must be at least / below this. `why` says where a relative goal
   * comes from (`3 × node -e ""`), printed beside it.
   */
  readonly target?: ({ readonly atLeast: number } | { readonly below: number }) & { readonly why?: string }
}

export interface BenchCase {
  readonly case: string
  readonly measurements: ReadonlyArray<Measurement>
}

export interface Benchmark {
  readonly name: string
  readonly run: (args: ReadonlyArray<string>) => Promise<ReadonlyArray<BenchCase>>
  /** Lines printed under the table: how it was measured, what was skipped and why. */
  readonly notes?: () => ReadonlyArray<string>
}

const meets = (m: Measurement): boolean | undefined =>
  m.target === undefined ? undefined : "atLeast" in m.target ? m.value >= m.target.atLeast : m.value < m.target.below

const formatted = (m: Measurement, value = m.value) => `${value.toFixed(m.decimals ?? 1)} ${m.unit}`.trimEnd()

const goalText = (m: Measurement) => {
  if (m.target === undefined) return undefined
  const bound = "atLeast" in m.target ? `≥ ${formatted(m, m.target.atLeast)}` : `< ${formatted(m, m.target.below)}`
  return m.target.why === undefined ? bound : `${bound} (${m.target.why})`
}

const mark = (m: Measurement) => (meets(m) === undefined ? "  " : meets(m) ? " ✓" : " ✗")

/**
 * One table per benchmark: a row per case, a column per measure, ✓/✗ on every figure that
 * has a goal; under it, each of those figures beside its goal.
 */
export const renderResults = (
  results: ReadonlyArray<{ benchmark: string; cases: ReadonlyArray<BenchCase>; notes?: ReadonlyArray<string> }>
) =>
  results.map(({ benchmark, cases, notes }) => {
    // Columns in the order of the case that measures most.
    const fullest = [...cases].sort((a, b) => b.measurements.length - a.measurements.length)
    const names = [...new Set(fullest.flatMap((c) => c.measurements.map((m) => m.name)))]
    const rows = [
      [benchmark, ...names],
      ...cases.map((c) => [
        c.case,
        ...names.map((name) => {
          const m = c.measurements.find((candidate) => candidate.name === name)
          return m === undefined ? "" : formatted(m) + mark(m)
        })
      ])
    ]
    const widths = rows[0]!.map((_, i) => Math.max(...rows.map((row) => row[i]!.length)))
    const line = (row: ReadonlyArray<string>) =>
      row.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join("  ").trimEnd()
    const goals = cases.flatMap((c) =>
      c.measurements.flatMap((m) =>
        m.target === undefined ? [] : [`  ${mark(m).trim()} ${c.case} · ${m.name}: ${formatted(m)}, goal ${goalText(m)}`]
      )
    )
    return [
      line(rows[0]!),
      widths.map((w) => "-".repeat(w)).join("  "),
      ...rows.slice(1).map(line),
      ...(goals.length > 0 ? ["goals (✓ met, ✗ missed):", ...goals] : []),
      ...(notes ?? []).map((note) => `note: ${note}`)
    ].join("\n")
  }).join("\n\n")

const main = async () => {
  const args = process.argv.slice(2)
  const only = args.includes("--only") ? args[args.indexOf("--only") + 1] : undefined
  const here = path.dirname(fileURLToPath(import.meta.url))
  const files = readdirSync(here).filter((name) => name.endsWith(".bench.ts")).sort()
  const results: Array<{ benchmark: string; cases: ReadonlyArray<BenchCase>; notes: ReadonlyArray<string> }> = []
  for (const file of files) {
    const benchmark = (await import(pathToFileURL(path.join(here, file)).href) as { default: Benchmark }).default
    if (only !== undefined && !benchmark.name.includes(only)) continue
    console.error(`· ${benchmark.name} (${file})`)
    const cases = await benchmark.run(args)
    results.push({ benchmark: benchmark.name, cases, notes: benchmark.notes?.() ?? [] })
  }
  console.log("\n" + renderResults(results))
  if (results.length > 0) {
    const measuredOn = machine()
    const format = { formatted: (m: Measurement) => formatted(m), goal: goalText, met: meets }
    const page = path.join(here, "..", "docs", "benchmarks.md")
    writeBenchmarksPage(page, new Map(results.map((result) => [result.benchmark, sectionOf(result, measuredOn, format)])))
    console.error(`· wrote ${path.relative(process.cwd(), page)}`)
  }
  const missed = results.flatMap((r) => r.cases.flatMap((c) => c.measurements)).filter((m) => meets(m) === false)
  if (missed.length > 0 && args.includes("--check")) process.exitCode = 1
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await main()
