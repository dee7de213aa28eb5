/**
 * One measured report run, the child side of reports.bench.ts: `reportsRun STORE MODE`
 * runs `runReports` against the local-folder store at STORE and prints one JSON line.
 * MODE is `recorded` (the BLS file as the mirror leaves it, its sha256 in its metadata),
 * `unrecorded` (the same file seen without that record, so the run hashes it while reading,
 * with the native digest the CLI and the Lambda provide) or `idle` (load everything, run
 * nothing: the floor under every peak RSS).
 */
import { existsSync, readFileSync, statSync } from "node:fs"
import * as path from "node:path"
import { getHeapSpaceStatistics } from "node:v8"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import { makeLocalStore } from "../adapters/localStore.ts"
import { nativeSha256 } from "../adapters/nativeHasher.ts"
import { StreamingSha256 } from "../domain/bytes/streamingSha256.ts"
import { ObjectStore, type StoredObject } from "../domain/store/ObjectStore.ts"
import { runReports } from "../domain/reports/runReports.ts"
import { BLS_DATA_KEY } from "../domain/storeKeys.ts"

const MB = 1e6
const [root, mode] = process.argv.slice(2) as [string, "recorded" | "unrecorded" | "idle"]

const local = makeLocalStore(root)
const withoutRecord = (object: StoredObject): StoredObject => {
  const { sha256: _recorded, ...metadata } = object.metadata
  return { ...object, metadata }
}
const store = mode === "unrecorded"
  ? {
    ...local,
    get: (key: string) =>
      Effect.map(local.get(key), (found) => found && { ...found, object: withoutRecord(found.object) })
  }
  : local
const program = runReports().pipe(
  Effect.provideService(StreamingSha256, nativeSha256),
  Effect.provide(Layer.succeed(ObjectStore, store))
)
const started = performance.now()
const cpu = process.cpuUsage()
const doc = mode === "idle" ? undefined : await Effect.runPromise(program)
const used = process.cpuUsage(cpu)
console.log(JSON.stringify({
  bytes: statSync(path.join(root, ...BLS_DATA_KEY.split("/"))).size,
  seconds: (performance.now() - started) / 1000,
  cpuSeconds: (used.user + used.system) / 1e6,
  // The process's own peak resident set (Linux's VmHWM): maxRSS would carry its parent's, the bench's.
  maxRssMB: Number(
    /VmHWM:\s*(\d+) kB/.exec(existsSync("/proc/self/status") ? readFileSync("/proc/self/status", "utf8") : "")?.[1] ??
      process.resourceUsage().maxRSS
  ) * 1024 / MB,
  // V8's young generation as the run leaves it: it grows with the bytes that survive its
  // collections (here the per-series sums), and on a large file it is most of the peak.
  youngMB: getHeapSpaceStatistics().find((space) => space.space_name === "new_space")!.physical_space_size / MB,
  rows: doc?.inputs.bls.rows ?? 0,
  series: doc === undefined ? 0 : doc.bestYearBySeries.length + doc.seriesWithoutQuarters.length
}))
