/**
 * A Lambda function's code archive, as Pulumi would upload it, on disk and in a fresh
 * Node process: written out from the AssetArchive the mocked stack declared, zipped to
 * know its size, loaded and invoked by lambdaRuntime.cjs the way the Lambda runtime does.
 *
 * The process runs confined to the archive: the task root and the runtime stand-in are
 * copied to a folder under the system's temp folder (no node_modules above it), NODE_PATH
 * and NODE_OPTIONS are unset, HOME points inside, and Node's permission model lets it read
 * nothing else. A `require` that the archive cannot satisfy fails there as it would on Lambda.
 */
import * as pulumi from "@pulumi/pulumi"
import { spawn } from "node:child_process"
import { copyFileSync, cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs"
import { setPriority, tmpdir } from "node:os"
import { dirname, join, relative } from "node:path"
import { crc32, deflateRawSync } from "node:zlib"

const RUNTIME = new URL("./lambdaRuntime.cjs", import.meta.url)

export interface LambdaSandbox {
  /** The task root: the archive's files, as Lambda unpacks them into /var/task. */
  readonly taskRoot: string
  readonly root: string
  readonly remove: () => void
}

/** Writes every asset of `archive` under `into`, as Pulumi lays them out in the zip. */
export const writeArchive = async (archive: pulumi.asset.AssetArchive, into: string): Promise<void> => {
  const assets = await archive.assets
  for (const [name, asset] of Object.entries(assets)) {
    const target = join(into, name)
    mkdirSync(dirname(target), { recursive: true })
    if (asset instanceof pulumi.asset.StringAsset) {
      writeFileSync(target, await asset.text)
    } else if (asset instanceof pulumi.asset.FileAsset) {
      copyFileSync(await asset.path, target)
    } else if (asset instanceof pulumi.asset.FileArchive && statSync(await asset.path).isDirectory()) {
      cpSync(await asset.path, target, { recursive: true })
    } else if (asset instanceof pulumi.asset.AssetArchive) {
      await writeArchive(asset, target)
    } else {
      throw new Error(`the archive holds ${name}, an asset of a kind this test does not unpack`)
    }
  }
}

/** A fresh sandbox under the system temp folder holding `archive` and the runtime stand-in. */
export const unpackArchive = async (archive: pulumi.asset.AssetArchive): Promise<LambdaSandbox> => {
  const root = mkdtempSync(join(tmpdir(), "lambda-"))
  const taskRoot = join(root, "task")
  await writeArchive(archive, taskRoot)
  copyFileSync(RUNTIME, join(root, "runtime.cjs"))
  mkdirSync(join(root, "home"))
  return { root, taskRoot, remove: () => rmSync(root, { recursive: true, force: true }) }
}

/** Every file under `folder`, as archive paths, sorted. */
export const filesIn = (folder: string): Array<string> =>
  readdirSync(folder, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => relative(folder, join(entry.parentPath, entry.name)).split("\\").join("/"))
    .sort()

/**
 * The folder zipped as Pulumi's engine zips an archive: one deflated entry per file.
 * (A minimal writer: local headers, central directory, end record; no zip64.)
 */
export const zipFolder = (folder: string): Uint8Array => {
  const parts: Array<Buffer> = []
  const central: Array<Buffer> = []
  let offset = 0
  for (const name of filesIn(folder)) {
    const data = readFileSync(join(folder, name))
    const compressed = deflateRawSync(data)
    const fileName = Buffer.from(name, "utf8")
    const fields = (header: Buffer, at: number) => {
      header.writeUInt16LE(20, at) // version needed: 2.0
      header.writeUInt16LE(0x0800, at + 2) // UTF-8 names
      header.writeUInt16LE(8, at + 4) // deflate
      header.writeUInt32LE(0, at + 6) // time and date
      header.writeUInt32LE(crc32(data), at + 10)
      header.writeUInt32LE(compressed.length, at + 14)
      header.writeUInt32LE(data.length, at + 18)
      header.writeUInt16LE(fileName.length, at + 22)
    }
    const local = Buffer.alloc(30)
    local.writeUInt32LE(0x04034b50, 0)
    fields(local, 4)
    const entry = Buffer.alloc(46)
    entry.writeUInt32LE(0x02014b50, 0)
    entry.writeUInt16LE(0x0314, 4) // made by: Unix, 2.0
    fields(entry, 6)
    entry.writeUInt32LE((0o100644 << 16) >>> 0, 38) // -rw-r--r--
    entry.writeUInt32LE(offset, 42)
    parts.push(local, fileName, compressed)
    central.push(entry, fileName)
    offset += local.length + fileName.length + compressed.length
  }
  const directory = Buffer.concat(central)
  const end = Buffer.alloc(22)
  end.writeUInt32LE(0x06054b50, 0)
  end.writeUInt16LE(central.length / 2, 8)
  end.writeUInt16LE(central.length / 2, 10)
  end.writeUInt32LE(directory.length, 12)
  end.writeUInt32LE(offset, 16)
  return Buffer.concat([...parts, directory, end])
}

export interface Invocation {
  /** Time to `require` the handler's module, in ms. */
  readonly loadMs: number
  /** CPU time the load took (all threads), in ms: hardly moved by other load on the machine. */
  readonly loadCpuMs?: number
  readonly result?: unknown
  readonly error?: { readonly errorType: string; readonly errorMessage: string }
  /** The function's log lines, parsed (each one JSON, as with Lambda's JSON log format). */
  readonly logs: ReadonlyArray<{ readonly level: string; readonly message: any }>
  readonly stderr: string
}

export interface InvokeOptions {
  /** `__index.handler`, the function's `handler` setting. */
  readonly handler: string
  /** The function's environment variables, plus whatever the test points elsewhere. */
  readonly environment: Readonly<Record<string, string>>
  readonly event?: unknown
  readonly loadOnly?: boolean
  /** Scheduling priority of the process (-20 highest), where this user may raise it. */
  readonly priority?: number
}

/** Runs the sandbox's function once in a fresh Node process, as the Lambda runtime would. */
export const invoke = (sandbox: LambdaSandbox, options: InvokeOptions): Promise<Invocation> =>
  new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [
      "--permission",
      `--allow-fs-read=${sandbox.root}`,
      join(sandbox.root, "runtime.cjs"),
      sandbox.taskRoot,
      options.handler,
      ...(options.loadOnly ? ["--load-only"] : [])
    ], {
      cwd: sandbox.taskRoot,
      // Nothing of this process's environment: only what Lambda sets, and the function's own.
      env: {
        PATH: "/usr/bin:/bin",
        HOME: join(sandbox.root, "home"),
        TZ: "UTC",
        LAMBDA_TASK_ROOT: sandbox.taskRoot,
        AWS_EXECUTION_ENV: "AWS_Lambda_nodejs24.x",
        AWS_LAMBDA_LOG_FORMAT: "JSON",
        ...options.environment
      },
      stdio: ["pipe", "pipe", "pipe", "pipe"]
    })
    if (options.priority !== undefined && child.pid !== undefined) {
      try {
        setPriority(child.pid, options.priority)
      } catch {
        // Not permitted for this user: the measurement runs at normal priority.
      }
    }
    const chunks: Record<"out" | "err" | "result", Array<Buffer>> = { out: [], err: [], result: [] }
    child.stdout.on("data", (chunk: Buffer) => chunks.out.push(chunk))
    child.stderr.on("data", (chunk: Buffer) => chunks.err.push(chunk))
    ;(child.stdio[3] as NodeJS.ReadableStream).on("data", (chunk: Buffer) => chunks.result.push(chunk))
    child.on("error", reject)
    child.on("close", (code) => {
      const stdout = Buffer.concat(chunks.out).toString("utf8")
      const stderr = Buffer.concat(chunks.err).toString("utf8")
      const outcome = Buffer.concat(chunks.result).toString("utf8")
      if (outcome === "") return reject(new Error(`the function process exited (${code}) without an outcome:\n${stderr}${stdout}`))
      const logs = stdout.split("\n").filter((line) => line.trim() !== "").map((line) => {
        try {
          return JSON.parse(line)
        } catch {
          throw new Error(`a log line is not JSON (Lambda's JSON log format): ${line}`)
        }
      })
      resolve({ ...JSON.parse(outcome), logs, stderr })
    })
    child.stdin.end(JSON.stringify(options.event ?? {}))
  })

/**
 * Cold loads of the handler's module, each in a fresh process: the least is the module's
 * own cost (other load on the machine only ever adds time), the median shows the spread.
 * The processes run at the highest priority the user may set, so that other work on the
 * machine (parallel test files) takes as little of their time as it can — as Lambda gives
 * a function its own share of CPU. With `enough`, loading goes on past `runs` — up to
 * `maxRuns` — until the least is enough: a module slower than that never gets there.
 */
export const coldLoadMs = async (
  sandbox: LambdaSandbox,
  handler: string,
  { runs, maxRuns = runs, enough }: { runs: number; maxRuns?: number; enough?: (leastMs: number) => boolean }
) => {
  const times: Array<number> = []
  const cpuTimes: Array<number> = []
  while (times.length < maxRuns && (times.length < runs || !(enough?.(Math.min(...times)) ?? true))) {
    const { loadMs, loadCpuMs = Number.NaN } = await invoke(sandbox, { handler, environment: {}, loadOnly: true, priority: -20 })
    times.push(loadMs)
    cpuTimes.push(loadCpuMs)
  }
  const sorted = [...times].sort((a, b) => a - b)
  return {
    least: sorted[0]!,
    median: sorted[Math.floor(sorted.length / 2)]!,
    leastCpu: Math.min(...cpuTimes),
    runs: times.length
  }
}
