/**
 * Whole-process measurements: a command started fresh, timed from spawn to exit as a
 * person waiting at a prompt would time it, and (for Node processes) its peak RSS.
 *
 * On a shared, noisy machine a single run says little: `alternate` runs several commands
 * in turn, round after round, so a burst of load hits them alike, and keeps the median.
 */
import { spawn } from "node:child_process"
import { mkdtempSync, readFileSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import * as path from "node:path"
import { fileURLToPath } from "node:url"

const probe = new URL("./peakRss.mjs", import.meta.url).href

export interface Command {
  readonly label: string
  readonly file: string
  readonly args: ReadonlyArray<string>
  readonly env?: Readonly<Record<string, string>>
  /** A Node process: its peak RSS is read through a preload (NODE_OPTIONS). */
  readonly node?: boolean
  readonly cwd?: string
}

export interface Run {
  readonly seconds: number
  /** Bytes; undefined for a process that is not Node. */
  readonly peakRss: number | undefined
  readonly stdout: string
}

/** This Node first on PATH, so `#!/usr/bin/env node` children run the Node that runs the bench. */
export const benchEnv = (): Record<string, string> => ({
  ...(process.env as Record<string, string>),
  PATH: `${path.dirname(process.execPath)}${path.delimiter}${process.env.PATH ?? ""}`
})

export const runOnce = (command: Command): Promise<Run> => {
  const dir = mkdtempSync(path.join(tmpdir(), "quest-bench-"))
  const rssFile = path.join(dir, "peak-rss")
  const env: Record<string, string> = { ...benchEnv(), ...command.env }
  if (command.node) {
    env["NODE_OPTIONS"] = `${env["NODE_OPTIONS"] ?? ""} --import=${probe}`.trim()
    env["QUEST_BENCH_PEAK_RSS"] = rssFile
  }
  return new Promise<Run>((resolve, reject) => {
    const started = performance.now()
    const child = spawn(command.file, [...command.args], { env, cwd: command.cwd, stdio: ["ignore", "pipe", "pipe"] })
    const out: Array<Buffer> = []
    const err: Array<Buffer> = []
    let outBytes = 0
    child.stdout.on("data", (chunk: Buffer) => {
      // Kept only to read a result line: a large report's text is counted, not held.
      outBytes += chunk.length
      if (outBytes < 1 << 20) out.push(chunk)
    })
    child.stderr.on("data", (chunk: Buffer) => void err.push(chunk))
    child.on("error", reject)
    child.on("close", (code) => {
      const seconds = (performance.now() - started) / 1000
      let peakRss: number | undefined
      try {
        peakRss = command.node ? Number(readFileSync(rssFile, "utf8")) : undefined
      } catch {
        peakRss = undefined
      }
      rmSync(dir, { recursive: true, force: true })
      if (code !== 0) {
        reject(new Error(`${command.label} exited ${code}: ${Buffer.concat(err).toString().slice(-2000)}`))
      } else {
        resolve({ seconds, peakRss, stdout: Buffer.concat(out).toString() })
      }
    })
  })
}

export interface Summary {
  readonly label: string
  readonly runs: ReadonlyArray<Run>
  /** Median wall time, seconds. */
  readonly seconds: number
  /** Median peak RSS, bytes. */
  readonly peakRss: number | undefined
  /** (max − min) / median of the wall times: how noisy the rounds were. */
  readonly spread: number
}

export const median = (values: ReadonlyArray<number>) => {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = sorted.length >> 1
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2
}

/** `rounds` rounds of every command in turn (after `warmup` unmeasured rounds); medians. */
export const alternate = async (
  commands: ReadonlyArray<Command>,
  options: { readonly rounds: number; readonly warmup?: number; readonly onRound?: (round: number) => void }
): Promise<ReadonlyArray<Summary>> => {
  const runs = commands.map((): Array<Run> => [])
  for (let round = -(options.warmup ?? 0); round < options.rounds; round++) {
    for (const [i, command] of commands.entries()) {
      const run = await runOnce(command)
      if (round >= 0) runs[i]!.push(run)
    }
    if (round >= 0) options.onRound?.(round)
  }
  return commands.map((command, i) => {
    const times = runs[i]!.map((run) => run.seconds)
    const rss = runs[i]!.flatMap((run) => (run.peakRss === undefined ? [] : [run.peakRss]))
    const mid = median(times)
    return {
      label: command.label,
      runs: runs[i]!,
      seconds: mid,
      peakRss: rss.length > 0 ? median(rss) : undefined,
      spread: (Math.max(...times) - Math.min(...times)) / mid
    }
  })
}

/** "label 12%, label 30%": each summary's spread, for a bench note. */
export const spreadNote = (summaries: ReadonlyArray<Summary>) =>
  summaries.map((s) => `${s.label} ${Math.round(s.spread * 100)}%`).join(", ")

export const projectRoot = path.join(path.dirname(fileURLToPath(import.meta.url)), "..")
export const questBin = path.join(projectRoot, "bin", "quest.mjs")
