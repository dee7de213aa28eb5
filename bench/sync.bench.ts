/**
 * The mirror's speed and memory: `quest sync` of generated directories, served from a
 * loopback server in BLS's listing format, into a local folder and into moto — beside
 * `rclone sync` of the same directory when rclone is on PATH (the column is left out when
 * it is not). Each run is a fresh child process measured by /usr/bin/time, so its wall
 * time and peak RSS are its own. The second, no-op run into moto goes through a counting
 * proxy: its S3 requests are the store calls a sync makes when nothing changed.
 *
 * Directories (in `.bench/sync/`, gitignored, reused while their recipe holds):
 *   small — many small files (`--small-files N`, default 2000, of 8 KB);
 *   large — a few large ones (`--large-files N`, default 20, of `--large-mb N`, default 100 MB);
 *   huge  — one file of `--huge-mb N` MiB (default 1024): the multipart path past 1 GB.
 * `--datasets small,large,huge` picks some.
 */
import { execFile } from "node:child_process"
import { createReadStream, existsSync, mkdirSync, openSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync, writeSync, closeSync } from "node:fs"
import { createServer, request as httpRequest, type Server } from "node:http"
import type { AddressInfo } from "node:net"
import * as path from "node:path"
import { fileURLToPath } from "node:url"
import { promisify } from "node:util"
import { CreateBucketCommand } from "@aws-sdk/client-s3"
import { startMoto, type Moto } from "../test/support/moto.ts"
import { renderListing } from "../test/support/upstream/directoryListing.ts"
import { option } from "./options.ts"
import type { BenchCase, Benchmark, Measurement } from "./run.ts"

const here = path.dirname(fileURLToPath(import.meta.url))
const root = path.join(here, "..")
const benchDir = path.join(root, ".bench", "sync")
const MB = 1e6
const MiB = 1024 * 1024
/** The issue's targets: within 2× of rclone, under 256 MB whatever the size, ≤ 3 store calls when nothing changed. */
const RSS_TARGET_MB = 256
const RCLONE_RATIO_TARGET = 2
const NOOP_CALLS_TARGET = 3
const CONCURRENCY = 4
const LISTED_DATE = new Date("2026-06-04T12:30:00Z")

const run = promisify(execFile)

interface Dataset {
  readonly name: string
  readonly files: ReadonlyArray<{ readonly name: string; readonly bytes: number }>
}

const datasetsOf = (args: ReadonlyArray<string>): ReadonlyArray<Dataset> => {
  const at = args.indexOf("--datasets")
  const wanted = at >= 0 ? args[at + 1]!.split(",") : ["small", "large", "huge"]
  const pad = (i: number) => String(i).padStart(5, "0")
  const all: ReadonlyArray<Dataset> = [
    {
      name: "small",
      files: Array.from({ length: option(args, "--small-files", 2000) }, (_, i) => ({ name: `sm.data.${pad(i)}`, bytes: 8 * 1024 }))
    },
    {
      name: "large",
      files: Array.from({ length: option(args, "--large-files", 20) }, (_, i) => ({
        name: `la.data.${pad(i)}`,
        bytes: option(args, "--large-mb", 100) * MB
      }))
    },
    { name: "huge", files: [{ name: "oe.data.0.Current", bytes: option(args, "--huge-mb", 1024) * MiB }] }
  ]
  return all.filter((dataset) => wanted.includes(dataset.name))
}

/** BLS-like rows (tab-separated, a series id, year, period, value), different in every file. */
const writeFile = (file: string, index: number, bytes: number) => {
  const rows: Array<string> = []
  for (let i = 0; i < 4096; i++) rows.push(`PRS${String(index).padStart(5, "0")}${String(i).padStart(6, "0")}\t${2000 + (i % 25)}\tQ0${1 + (i % 4)}\t${(i * 7.3).toFixed(3)}\t\n`)
  const block = Buffer.from(rows.join(""))
  const fd = openSync(file, "w")
  try {
    for (let written = 0; written < bytes;) {
      const n = Math.min(block.byteLength, bytes - written)
      written += writeSync(fd, block, 0, n)
    }
  } finally {
    closeSync(fd)
  }
  utimesSync(file, LISTED_DATE, LISTED_DATE)
}

const prepare = (dataset: Dataset) => {
  const folder = path.join(benchDir, "source", dataset.name)
  const recipe = JSON.stringify(dataset.files)
  const marker = path.join(benchDir, "source", `${dataset.name}.recipe.json`)
  if (existsSync(marker) && readFileSync(marker, "utf8") === recipe) return folder
  rmSync(folder, { recursive: true, force: true })
  mkdirSync(folder, { recursive: true })
  console.error(`  generating ${dataset.name}: ${dataset.files.length} files, ${(total(dataset) / MB).toFixed(0)} MB`)
  dataset.files.forEach((file, index) => writeFile(path.join(folder, file.name), index, file.bytes))
  writeFileSync(marker, recipe)
  return folder
}

const total = (dataset: Dataset) => dataset.files.reduce((sum, file) => sum + file.bytes, 0)

/** Serves `/pub/time.series/<dataset>/` from its folder: BLS's listing page, then files with ETag, Last-Modified and 304. */
const serveDirectories = async (folders: ReadonlyMap<string, string>) => {
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://127.0.0.1")
    const [, dataset, name] = /^\/pub\/time\.series\/([^/]+)\/([^/]*)$/.exec(url.pathname) ?? []
    const folder = dataset === undefined ? undefined : folders.get(dataset)
    if (folder === undefined) return void res.writeHead(404).end()
    if (name === "") {
      const files = readdirSync(folder).sort().map((file) => {
        const stats = statSync(path.join(folder, file))
        return { name: file, size: stats.size, modified: stats.mtime }
      })
      const page = renderListing(files, { path: url.pathname, host: "127.0.0.1", style: "iis", hostileLinks: false })
      return void res.writeHead(200, { "content-type": "text/html", "content-length": Buffer.byteLength(page) }).end(req.method === "HEAD" ? undefined : page)
    }
    const file = path.join(folder, decodeURIComponent(name!))
    if (!existsSync(file)) return void res.writeHead(404).end()
    const stats = statSync(file)
    const etag = `"${stats.size.toString(16)}-${Math.floor(stats.mtimeMs).toString(16)}"`
    const validators = { etag, "last-modified": stats.mtime.toUTCString() }
    if (req.headers["if-none-match"] === etag) return void res.writeHead(304, validators).end()
    // Ranges as BLS's server answers them: rclone fetches a large file in parallel parts.
    const range = /^bytes=(\d+)-(\d*)$/.exec(req.headers.range ?? "")
    const start = range === null ? 0 : Number(range[1])
    const end = range === null || range[2] === "" ? stats.size - 1 : Math.min(Number(range[2]), stats.size - 1)
    const headers = { ...validators, "content-type": "text/plain", "accept-ranges": "bytes", "content-length": end - start + 1 }
    if (range === null) res.writeHead(200, headers)
    else res.writeHead(206, { ...headers, "content-range": `bytes ${start}-${end}/${stats.size}` })
    if (req.method === "HEAD") return void res.end()
    createReadStream(file, { start, end, highWaterMark: 256 * 1024 }).pipe(res)
  })
  server.listen(0, "127.0.0.1")
  await new Promise((resolve) => server.once("listening", resolve))
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/pub/time.series/` }
}

/** A pass-through proxy in front of moto that counts the requests it forwards. */
const countingProxy = async (target: string) => {
  const upstream = new URL(target)
  let requests = 0
  const server = createServer((req, res) => {
    requests += 1
    const forwarded = httpRequest(
      { host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: req.headers },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers)
        answer.pipe(res)
      }
    )
    forwarded.on("error", () => res.destroy())
    req.pipe(forwarded)
  })
  server.listen(0, "127.0.0.1")
  await new Promise((resolve) => server.once("listening", resolve))
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, requests: () => requests }
}

const close = (server: Server) => new Promise((resolve) => server.close(resolve))

interface Timed {
  readonly seconds: number
  readonly rssMB: number
}

/** Runs a command under /usr/bin/time: its wall time and peak RSS. */
const timed = async (command: string, args: ReadonlyArray<string>, env: Readonly<Record<string, string>>): Promise<Timed> => {
  const out = path.join(benchDir, "time.txt")
  try {
    await run("/usr/bin/time", ["-f", "%e %M", "-o", out, command, ...args], {
      cwd: root,
      env: { PATH: process.env["PATH"] ?? "", HOME: process.env["HOME"] ?? "", ...env },
      maxBuffer: 64 * MiB
    })
  } catch (error) {
    const { stderr = "", stdout = "" } = error as { stderr?: string; stdout?: string }
    throw new Error(`${command} ${args.join(" ")} failed:\n${stdout.slice(-2000)}\n${stderr.slice(-2000)}`)
  }
  const [seconds, kib] = readFileSync(out, "utf8").trim().split(/\s+/).slice(-2).map(Number)
  return { seconds: seconds!, rssMB: (kib! * 1024) / MB }
}

const rcloneAvailable = async () => run("rclone", ["version"]).then(() => true, () => false)

interface Target {
  readonly name: "local" | "moto"
  /** The destination for quest and for rclone, and the env each needs. */
  readonly quest: (endpoint?: string) => { readonly store: string; readonly env: Record<string, string> }
  readonly rclone: (endpoint?: string) => { readonly remote: string; readonly flags: ReadonlyArray<string> }
}

const localTarget = (dataset: string): Target => ({
  name: "local",
  quest: () => {
    // The store's parent must exist (a mistyped path is refused, not created).
    mkdirSync(path.join(benchDir, "local", "quest"), { recursive: true })
    return { store: path.join(benchDir, "local", "quest", dataset), env: {} }
  },
  rclone: () => ({ remote: path.join(benchDir, "local", "rclone", dataset), flags: [] })
})

const motoTarget = (moto: Moto, bucket: string): Target => ({
  name: "moto",
  quest: (endpoint = moto.endpoint) => ({ store: `s3://${bucket}/quest`, env: { ...moto.env, AWS_ENDPOINT_URL: endpoint } }),
  rclone: (endpoint = moto.endpoint) => ({
    remote: `:s3:${bucket}/rclone`,
    flags: [
      "--s3-provider", "Other", "--s3-endpoint", endpoint, "--s3-region", "us-east-1",
      "--s3-access-key-id", "testing", "--s3-secret-access-key", "testing", "--s3-force-path-style"
    ]
  })
})

const questSync = (sourceUrl: string, store: string, env: Record<string, string>) =>
  // As a user runs it: the launcher's shebang sets its Node flags.
  timed(path.join(root, "bin", "quest.mjs"), [
    "sync", "--json",
    "--store", store, "--bls-base-url", sourceUrl,
    "--contact", "bench@example.com", "--requests-per-second", "10000", "--concurrency", String(CONCURRENCY)
  ], env)

const rcloneSync = (sourceUrl: string, remote: string, flags: ReadonlyArray<string>) =>
  timed("rclone", ["sync", ":http:", remote, "--http-url", sourceUrl, "--transfers", String(CONCURRENCY), ...flags], {})

const measurements = (
  tool: string,
  dataset: Dataset,
  first: Timed,
  noop: Timed,
  noopCalls: number | undefined,
  ratio: number | undefined
): ReadonlyArray<Measurement> => [
  { name: "first sync", value: first.seconds, unit: "s", decimals: 2 },
  { name: "throughput", value: total(dataset) / MB / first.seconds, unit: "MB/s" },
  { name: "peak RSS", value: Math.max(first.rssMB, noop.rssMB), unit: "MB", decimals: 0, target: { below: RSS_TARGET_MB } },
  ...(ratio === undefined ? [] : [{ name: "× rclone", value: ratio, unit: "×", decimals: 2, target: { below: RCLONE_RATIO_TARGET } }]),
  { name: "no-op sync", value: noop.seconds, unit: "s", decimals: 2 },
  ...(noopCalls === undefined ? [] : [{
    name: "no-op S3 calls",
    value: noopCalls,
    unit: "",
    decimals: 0,
    ...(tool === "quest" ? { target: { below: NOOP_CALLS_TARGET + 1 } } : {})
  }])
]

const benchmark: Benchmark = {
  name: "mirror sync",
  run: async (args) => {
    const datasets = datasetsOf(args)
    const folders = new Map(datasets.map((dataset) => [dataset.name, prepare(dataset)]))
    const withRclone = await rcloneAvailable()
    if (!withRclone) console.error("  rclone is not on PATH: its column is left out")
    const source = await serveDirectories(folders)
    const cases: Array<BenchCase> = []
    try {
      for (const dataset of datasets) {
        const sourceUrl = `${source.url}${dataset.name}/`
        const size = `${dataset.files.length} × ${(dataset.files[0]!.bytes / MB).toFixed(dataset.files[0]!.bytes < MB ? 3 : 0)} MB`
        for (const targetName of ["local", "moto"] as const) {
          // A fresh moto per directory: it holds every object in memory.
          const moto = targetName === "moto" ? await startMoto() : undefined
          try {
            const bucket = "bench"
            if (moto !== undefined) await moto.s3Client().send(new CreateBucketCommand({ Bucket: bucket }))
            const target = moto === undefined ? localTarget(dataset.name) : motoTarget(moto, bucket)
            rmSync(path.join(benchDir, "local"), { recursive: true, force: true })
            let rcloneSeconds: number | undefined
            const results: Array<{ tool: string; first: Timed; noop: Timed; calls: number | undefined }> = []
            for (const tool of withRclone ? ["rclone", "quest"] : ["quest"]) {
              console.error(`  ${dataset.name} (${size}) → ${target.name}: ${tool}`)
              const once = (endpoint?: string) => {
                if (tool === "quest") {
                  const { store, env } = target.quest(endpoint)
                  return questSync(sourceUrl, store, env)
                }
                const { remote, flags } = target.rclone(endpoint)
                return rcloneSync(sourceUrl, remote, flags)
              }
              const first = await once()
              let calls: number | undefined
              let noop: Timed
              if (moto !== undefined) {
                const proxy = await countingProxy(moto.endpoint)
                noop = await once(proxy.url)
                calls = proxy.requests()
                await close(proxy.server)
              } else {
                noop = await once()
              }
              if (tool === "rclone") rcloneSeconds = first.seconds
              results.push({ tool, first, noop, calls })
            }
            for (const { tool, first, noop, calls } of results) {
              const ratio = tool === "quest" && rcloneSeconds !== undefined ? first.seconds / rcloneSeconds : undefined
              const done = { case: `${dataset.name}, ${size} → ${target.name}, ${tool}`, measurements: measurements(tool, dataset, first, noop, calls, ratio) }
              // As it goes, so a long run that breaks later keeps what it measured.
              console.error(`    ${done.case}: ${done.measurements.map((m) => `${m.name} ${m.value.toFixed(m.decimals ?? 1)} ${m.unit}`).join(", ")}`)
              cases.push(done)
            }
          } finally {
            await moto?.stop()
          }
        }
      }
    } finally {
      await close(source.server)
      rmSync(path.join(benchDir, "local"), { recursive: true, force: true })
    }
    return cases
  }
}

export default benchmark
