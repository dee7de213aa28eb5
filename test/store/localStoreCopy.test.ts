/**
 * A copied store is the same store: a local store copied with `cp -a` or `tar` (which keeps
 * bytes and times but not inodes, and tar only whole seconds) syncs without downloading a
 * file again; a file edited in the copy is still caught and restored.
 */
import { execFileSync } from "node:child_process"
import { mkdtemp, readFile, rm, stat, utimes, writeFile } from "node:fs/promises"
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
  Effect.runPromise(
    syncMirror({ ...defaultSyncOptions, baseUrl: upstream.bls.baseUrl }).pipe(
      Effect.provide(pipelineLayer(makeLocalStore(root))),
      Effect.provide(withoutLogs)
    )
  )

const mirroredStore = async () => {
  const parent = await mkdtemp(join(tmpdir(), "quest-copy-"))
  roots.push(parent)
  const original = join(parent, "original")
  await sync(original)
  upstream.log.clear()
  return { parent, original }
}

describe("a local store copied with its times", () => {
  it.each([
    ["cp -a", (from: string, to: string) => execFileSync("cp", ["-a", from, to])],
    ["tar (whole-second times)", (from: string, to: string) => {
      execFileSync("mkdir", ["-p", to])
      execFileSync("sh", ["-c", `tar -C "${from}" --format=gnu -cf - . | tar -C "${to}" -xf -`])
    }]
  ])("%s: the next sync downloads nothing", async (_, copy) => {
    const { parent, original } = await mirroredStore()
    const copied = join(parent, "copied")
    copy(original, copied)
    const summary = await sync(copied)
    expect(upstream.log.entries({ route: "bls-file" })).toEqual([])
    expect(summary).toMatchObject({ added: 0, updated: 0, unchanged: upstream.bls.files().length })
  })

  it("a file edited in the copy (same size, even within the same second) is caught and restored", async () => {
    const { parent, original } = await mirroredStore()
    const copied = join(parent, "copied")
    execFileSync("cp", ["-a", original, copied])
    const file = join(copied, "bls", "pr", "pr.series")
    const before = await stat(file)
    const bytes = await readFile(file)
    bytes[10] = bytes[10] === 0x41 ? 0x42 : 0x41
    await writeFile(file, bytes)
    // Put the time back within the same second: only the bytes tell.
    const sameSecond = new Date(Math.floor(before.mtimeMs / 1000) * 1000 + 1)
    await utimes(file, sameSecond, sameSecond)

    await sync(copied)
    expect(upstream.log.entries({ route: "bls-file" }).map((e) => new URL(e.url).pathname.split("/").at(-1))).toEqual(["pr.series"])
    expect(new Uint8Array(await readFile(file))).toEqual(upstream.bls.file("pr.series")!.bytes)
  })
})

