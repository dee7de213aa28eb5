/**
 * The quest command as a user runs it: a child process (`node bin/quest.mjs …` or
 * `deno task quest …`) with a clean environment, so no setting leaks in from the machine.
 */
import { spawn } from "node:child_process"
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs"
import { tmpdir } from "node:os"
import { join, relative } from "node:path"
import { fileURLToPath } from "node:url"

export const projectRoot = fileURLToPath(new URL("../../", import.meta.url))
const questBin = join(projectRoot, "bin/quest.mjs")
export const denoBin = join(projectRoot, "node_modules/.bin/deno")

export interface QuestResult {
  readonly code: number | null
  readonly stdout: string
  readonly stderr: string
}

export interface QuestProcess {
  readonly done: Promise<QuestResult>
  readonly signal: (signal: NodeJS.Signals) => void
}

export type Runtime = "node" | "deno"

/** Only what a process needs to run, plus the given variables. */
export const cleanEnv = (vars: Readonly<Record<string, string>>): Record<string, string> => ({
  PATH: process.env["PATH"] ?? "",
  HOME: process.env["HOME"] ?? "",
  ...vars
})

export const startQuest = (args: ReadonlyArray<string>, env: Readonly<Record<string, string>>, runtime: Runtime = "node"): QuestProcess => {
  const [command, argv] = runtime === "node"
    ? [process.execPath, [questBin, ...args]]
    : [denoBin, ["task", "--quiet", "quest", ...args]]
  const child = spawn(command, argv, { cwd: projectRoot, env: cleanEnv(env), stdio: ["ignore", "pipe", "pipe"] })
  let stdout = ""
  let stderr = ""
  child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk))
  child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk))
  const done = new Promise<QuestResult>((resolve, reject) => {
    child.once("error", reject)
    child.once("close", (code) => resolve({ code, stdout, stderr }))
  })
  return { done, signal: (signal) => child.kill(signal) }
}

export const runQuest = (args: ReadonlyArray<string>, env: Readonly<Record<string, string>> = {}, runtime: Runtime = "node") =>
  startQuest(args, env, runtime).done

/** A fresh temporary folder for a store; `remove` deletes it. */
export const tempStore = () => {
  const path = mkdtempSync(join(tmpdir(), "quest-cli-"))
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) }
}

/** Every file under `root` (the store's own hidden files included) with its identity, to prove nothing was written. */
export const snapshot = (root: string): Record<string, string> => {
  const files: Record<string, string> = {}
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name)
      if (entry.isDirectory()) walk(path)
      else {
        const stats = statSync(path)
        files[relative(root, path)] = `${stats.ino}:${stats.size}:${stats.mtimeMs}`
      }
    }
  }
  walk(root)
  return files
}

export const fixtureBytes = (path: string) => readFileSync(join(projectRoot, "test/fixtures", path))

/** A log line as the CLI writes it off a terminal. */
export interface LoggedRecord {
  readonly time: string
  readonly level: string
  readonly event: string
  readonly message: string
  readonly [field: string]: unknown
}

/**
 * Every stderr line, each parsed as one flat log record — it fails on any line that is not
 * one JSON object starting with time, level, event and message (plain text, Effect's
 * envelope, a library's own print).
 */
export const logRecords = (stderr: string): Array<LoggedRecord> =>
  stderr.split("\n").filter((line) => line !== "").map((line) => {
    let record: unknown
    try {
      record = JSON.parse(line)
    } catch {
      throw new Error(`stderr line is not JSON: ${line}`)
    }
    if (typeof record !== "object" || record === null || Array.isArray(record)) throw new Error(`not an object: ${line}`)
    const keys = Object.keys(record).slice(0, 4)
    if (keys.join() !== "time,level,event,message") throw new Error(`not a flat log record: ${line}`)
    if (typeof (record as LoggedRecord).message !== "string") throw new Error(`message is not a sentence: ${line}`)
    return record as LoggedRecord
  })
