/**
 * Nothing is left behind: a run killed mid-transfer (SIGKILL, a Lambda timeout) leaves
 * what no later transfer overwrites — a local folder's temp file of the write in
 * progress. The next run sweeps those older than any transfer in flight could be, and
 * leaves younger ones (a concurrent run's) alone. (An S3 multipart upload never completed
 * is the bucket's lifecycle rule's to abort: test/infra/stack.test.ts.)
 */
import { mkdir, mkdtemp, readdir, rm, utimes, writeFile } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import * as Effect from "effect/Effect"
import * as Logger from "effect/Logger"
import { afterAll, describe, expect, it } from "vitest"
import { makeLocalStore } from "../../adapters/localStore.ts"
import { defaultSyncOptions, syncMirror, type SyncOptions } from "../../domain/bls/syncMirror.ts"
import type { ObjectStoreShape } from "../../domain/store/ObjectStore.ts"
import { pipelineLayer } from "../support/pipelineLayer.ts"
import { useUpstream } from "../support/upstream/vitest.ts"

const upstream = useUpstream()
const roots: Array<string> = []
afterAll(() => Promise.all(roots.map((root) => rm(root, { recursive: true, force: true }))))

const logged: Array<Record<string, unknown>> = []
const sync = (store: ObjectStoreShape, overrides: Partial<SyncOptions> = {}) => {
  logged.length = 0
  return Effect.runPromise(
    syncMirror({ ...defaultSyncOptions, baseUrl: upstream.bls.baseUrl, ...overrides }).pipe(
      Effect.provide(pipelineLayer(store)),
      Effect.provide(Logger.layer([Logger.make(({ message }) => {
        for (const part of Array.isArray(message) ? message : [message]) {
          if (typeof part === "object" && part !== null) logged.push(part as Record<string, unknown>)
        }
      })]))
    )
  )
}
const swept = () => logged.find((r) => r["event"] === "sync.leftovers-swept")?.["swept"]

describe("a local folder store's leftovers", () => {
  const seed = async () => {
    const root = await mkdtemp(join(tmpdir(), "quest-leftovers-"))
    roots.push(root)
    const hourAgo = new Date(Date.now() - 3_600_000)
    const old = ["bls/pr/.quest-tmp-0b7c5a4e-dead-run", ".quest-meta/bls/pr/.quest-tmp-1f00-dead-run"]
    for (const file of [...old, "bls/pr/.quest-tmp-fresh-run"]) {
      await mkdir(join(root, file, ".."), { recursive: true })
      await writeFile(join(root, file), "partial body of a killed write")
    }
    for (const file of old) await utimes(join(root, file), hourAgo, hourAgo)
    return root
  }
  const tempFiles = async (root: string) =>
    (await readdir(root, { recursive: true, withFileTypes: true }))
      .filter((e) => e.isFile() && e.name.startsWith(".quest-tmp-")).map((e) => e.name).sort()

  it("temp files of killed writes older than the leftover age are removed; a fresh one stays", async () => {
    const root = await seed()
    await sync(makeLocalStore(root))
    expect(await tempFiles(root)).toEqual([".quest-tmp-fresh-run"])
    expect(swept()).toEqual([".quest-meta/bls/pr/.quest-tmp-1f00-dead-run", "bls/pr/.quest-tmp-0b7c5a4e-dead-run"])
  })

  it("are left alone by a dry run", async () => {
    const root = await seed()
    await sync(makeLocalStore(root), { dryRun: true })
    expect(await tempFiles(root)).toHaveLength(3)
  })
})
