/**
 * docs/benchmarks.md, written by `npm run bench` and never by hand: one section per
 * benchmark, each saying when, where and on which commit it was measured, so a run with
 * `--only` replaces its own sections and leaves the others with their own dates.
 */
import { execFileSync } from "node:child_process"
import { existsSync, readFileSync, writeFileSync } from "node:fs"
import * as os from "node:os"
import type { BenchCase, Measurement } from "./run.ts"

export interface BenchResult {
  readonly benchmark: string
  readonly cases: ReadonlyArray<BenchCase>
  readonly notes: ReadonlyArray<string>
}

const HEADER = [
  "# Benchmarks",
  "",
  "Written by `npm run bench` (`bench/benchmarksPage.ts`); do not edit by hand. Each section",
  "is replaced when its benchmark runs again (`npm run bench -- --only NAME`). ✓ meets the",
  "goal beside it, ✗ misses it; ratios are taken within one run, so the machine's speed",
  "at that moment cancels out."
].join("\n")

const commit = () => {
  try {
    return execFileSync("git", ["rev-parse", "--short", "HEAD"], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim()
  } catch {
    return "unknown"
  }
}

/** The machine, once per run: what makes the figures comparable or not (a busy machine's load too). */
export const machine = (date = new Date()) => {
  const cpus = os.cpus()
  return `${date.toISOString().slice(0, 16).replace("T", " ")} UTC · commit ${commit()} · ` +
    `${cpus.length} × ${cpus[0]?.model.trim() ?? "unknown CPU"}, ${Math.round(os.totalmem() / 2 ** 30)} GiB · ` +
    `load ${os.loadavg()[0]!.toFixed(1)} · Node ${process.versions.node} · ${os.platform()} ${os.release()}`
}

const cell = (m: Measurement | undefined, formatted: (m: Measurement) => string, goal: (m: Measurement) => string | undefined, met: (m: Measurement) => boolean | undefined) => {
  if (m === undefined) return ""
  const verdict = met(m)
  const mark = verdict === undefined ? "" : verdict ? " ✓" : " ✗"
  const target = goal(m)
  return `${formatted(m)}${mark}${target === undefined ? "" : ` (goal ${target})`}`
}

export const sectionOf = (
  result: BenchResult,
  measuredOn: string,
  format: { formatted: (m: Measurement) => string; goal: (m: Measurement) => string | undefined; met: (m: Measurement) => boolean | undefined }
) => {
  const names = [...new Set([...result.cases].sort((a, b) => b.measurements.length - a.measurements.length)
    .flatMap((c) => c.measurements.map((m) => m.name)))]
  const escape = (text: string) => text.replaceAll("|", "\\|")
  return [
    `## ${result.benchmark}`,
    "",
    `Measured ${measuredOn}.`,
    "",
    `| case | ${names.map(escape).join(" | ")} |`,
    `| --- | ${names.map(() => "---").join(" | ")} |`,
    ...result.cases.map((c) =>
      `| ${escape(c.case)} | ${names.map((name) => escape(cell(c.measurements.find((m) => m.name === name), format.formatted, format.goal, format.met))).join(" | ")} |`
    ),
    ...(result.notes.length > 0 ? ["", ...result.notes.map((note) => `- ${note}`)] : [])
  ].join("\n")
}

/** Replaces the sections of the benchmarks that ran, keeps the others, in name order. */
export const updatedPage = (previous: string | undefined, sections: ReadonlyMap<string, string>) => {
  const kept = new Map<string, string>()
  for (const part of (previous ?? "").split(/^(?=## )/m).slice(1)) {
    const name = part.slice(3, part.indexOf("\n")).trim()
    kept.set(name, part.trimEnd())
  }
  for (const [name, section] of sections) kept.set(name, section)
  return [HEADER, ...[...kept.keys()].sort().map((name) => kept.get(name)!)].join("\n\n") + "\n"
}

export const writeBenchmarksPage = (file: string, sections: ReadonlyMap<string, string>) =>
  writeFileSync(file, updatedPage(existsSync(file) ? readFileSync(file, "utf8") : undefined, sections))
