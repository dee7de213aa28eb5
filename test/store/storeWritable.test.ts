/**
 * A store that cannot take the files is found out before anything is downloaded: a store
 * path that is a file, or whose folder and parent are both missing, fails the sync with a
 * message that says so, and BLS hears nothing. A missing store folder whose parent exists
 * is created (the first run).
 */
import { mkdtemp, rm, stat, writeFile } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import * as Effect from "effect/Effect"
import { afterAll, describe, expect, it } from "vitest"
import { makeLocalStore } from "../../adapters/localStore.ts"
import { defaultSyncOptions, syncMirror } from "../../domain/bls/syncMirror.ts"
import { pipelineLayer, withoutLogs } from "../support/pipelineLayer.ts"
import { useUpstream } from "../support/upstream/vitest.ts"

const upstream = useUpstream()
const roots: Array<string> = []
afterAll(() => Promise.all(roots.map((root) => rm(root, { recursive: true, force: true }))))

const sync = (root: string) =>
  Effect.runPromise(Effect.flip(
    syncMirror({ ...defaultSyncOptions, baseUrl: upstream.bls.baseUrl }).pipe(
      Effect.provide(pipelineLayer(makeLocalStore(root))),
      Effect.provide(withoutLogs)
    )
  ))

const parent = async () => {
  const dir = await mkdtemp(join(tmpdir(), "quest-writable-"))
  roots.push(dir)
  return dir
}

describe("a local store that cannot be written", () => {
  it("is a file: refused before any request", async () => {
    const file = join(await parent(), "data")
    await writeFile(file, "not a folder")
    const error = await sync(file)
    expect(error.message).toContain(`${file} is a file, not a folder; set QUEST_STORE to a folder`)
    expect(upstream.log.count()).toBe(0)
  })

  it("is missing with its parent: refused before any request, naming both", async () => {
    const root = join(await parent(), "no-such-parent", "data")
    const error = await sync(root)
    expect(error.message).toMatch(/the folder .*no-such-parent\/data does not exist, nor does its parent .*no-such-parent/)
    expect(upstream.log.count()).toBe(0)
  })
})

describe("a missing store folder whose parent exists", () => {
  it("is created, as on a first run", async () => {
    const root = join(await parent(), "data")
    await Effect.runPromise(makeLocalStore(root).checkWritable!())
    expect((await stat(root)).isDirectory()).toBe(true)
  })
})
