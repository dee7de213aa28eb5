import { mkdir, mkdtemp, readdir, readFile, rm, stat, utimes, writeFile } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import { afterAll, describe, expect, it } from "vitest"
import { localStoreLayer, makeLocalStore } from "../../adapters/localStore.ts"
import { getBytes, ObjectStore, StoreError } from "../../domain/store/ObjectStore.ts"
import { chunkedStream } from "../support/upstream/bodyStreams.ts"
import { blsFixtureFiles } from "../support/upstream/fixtureData.ts"
import { storeContract } from "./contract.ts"

const roots: Array<string> = []
afterAll(() => Promise.all(roots.map((root) => rm(root, { recursive: true, force: true }))))

const freshRoot = async () => {
  const parent = await mkdtemp(join(tmpdir(), "quest-local-store-"))
  roots.push(parent)
  // The store lives one level down, so a key that escaped it would show up in `parent`.
  const root = join(parent, "data")
  return { parent, root }
}

/** Every file under `folder`, as `/`-separated paths, hidden ones included. */
const filesOnDisk = async (folder: string) =>
  (await readdir(folder, { recursive: true, withFileTypes: true }))
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name).slice(folder.length + 1).split("\\").join("/"))
    .sort()

const run = <A>(effect: Effect.Effect<A, StoreError>) => Effect.runPromise(effect)
const series = () => blsFixtureFiles().find((f) => f.name === "pr.series")!.bytes

describe("local folder store", () => {
  storeContract(async () => makeLocalStore((await freshRoot()).root))

  it("keeps each key as a file under its root, byte for byte, with metadata out of sight", async () => {
    const { root } = await freshRoot()
    const store = makeLocalStore(root)
    for (const file of blsFixtureFiles()) {
      await run(store.put(`bls/pr/${file.name}`, file.bytes, { contentType: "text/plain", metadata: { "origin": "bls" } }))
    }
    for (const file of blsFixtureFiles()) {
      expect(Buffer.from(await readFile(join(root, "bls", "pr", file.name))).equals(Buffer.from(file.bytes))).toBe(true)
    }
    const visible = (await filesOnDisk(root)).filter((path) => !path.startsWith(".quest-meta/"))
    expect(visible).toEqual(blsFixtureFiles().map((f) => `bls/pr/${f.name}`).sort())
    expect((await run(store.list(""))).map((o) => o.key)).toEqual(visible)
  })

  it("refuses keys that would leave its folder or clash with its own files, writing nothing", async () => {
    const { parent, root } = await freshRoot()
    const store = makeLocalStore(root)
    const bad = ["../escaped", "/etc/escaped", "bls/../../escaped", "bls//pr", "bls/pr/", "", "./x", ".quest-meta/bls/pr/x",
      "bls/.quest-tmp-1234", "a\\..\\..\\escaped"]
    for (const key of bad) {
      const error = await Effect.runPromise(Effect.flip(store.put(key, "x")))
      expect(error, key).toBeInstanceOf(StoreError)
      expect(error.message).toContain("not a usable key")
      expect((await Effect.runPromise(Effect.flip(store.head(key)))).operation).toBe("head")
      expect((await Effect.runPromise(Effect.flip(store.delete(key)))).operation).toBe("delete")
    }
    expect(await Effect.runPromise(Effect.flip(store.list("../")))).toBeInstanceOf(StoreError)
    expect(await filesOnDisk(parent)).toEqual([])
  })

  it("serves a file put there by hand, without metadata", async () => {
    const { root } = await freshRoot()
    await mkdir(join(root, "bls", "pr"), { recursive: true })
    await writeFile(join(root, "bls", "pr", "pr.series"), series())
    const store = makeLocalStore(root)
    expect(await run(store.list("bls/"))).toEqual([{ key: "bls/pr/pr.series", size: series().byteLength, etag: expect.any(String) }])
    expect(await run(store.head("bls/pr/pr.series"))).toMatchObject({ contentType: undefined, metadata: {} })
  })

  it("ignores metadata that no longer describes its file, once the file is replaced by hand", async () => {
    const { root } = await freshRoot()
    const store = makeLocalStore(root)
    await run(store.put("bls/pr/pr.series", series(), { contentType: "text/plain", metadata: { "sha256": "abc" } }))
    await rm(join(root, "bls", "pr", "pr.series"))
    await writeFile(join(root, "bls", "pr", "pr.series"), series().subarray(0, 100))
    expect(await run(store.head("bls/pr/pr.series"))).toMatchObject({ size: 100, contentType: undefined, metadata: {} })
  })

  it("knows a streamed put and its copy by their bytes: touched within the same second they keep their metadata, edited they lose it", async () => {
    const { root } = await freshRoot()
    const store = makeLocalStore(root)
    const metadata = { "bls-sha256": "00ff" }
    await run(store.put("reports/d/report.json", chunkedStream(series()), { contentType: "application/json", metadata }))
    await run(store.copy("reports/d/report.json", "reports/latest/report.json", { contentType: "application/json", metadata }))
    // Within the same second only the bytes (the sha256 recorded when written) tell a file from an edited one.
    const sameSecond = async (key: string, edit: boolean) => {
      const file = join(root, ...key.split("/"))
      const before = await stat(file)
      const bytes = await readFile(file)
      if (edit) bytes[10] = bytes[10] === 0x41 ? 0x42 : 0x41
      await writeFile(file, bytes)
      const time = new Date(Math.floor(before.mtimeMs / 1000) * 1000 + (before.mtimeMs % 1000 === 1 ? 2 : 1))
      await utimes(file, time, time)
      return (await run(store.head(key)))?.metadata
    }
    expect(await sameSecond("reports/d/report.json", false)).toEqual(metadata)
    expect(await sameSecond("reports/latest/report.json", false)).toEqual(metadata)
    expect(await sameSecond("reports/d/report.json", true)).toEqual({})
    expect(await sameSecond("reports/latest/report.json", true)).toEqual({})
  })

  it("makes a key's folders when they are missing, even ones removed behind its back", async () => {
    const { root } = await freshRoot()
    const store = makeLocalStore(root)
    const metadata = { "v": "1" }
    await run(store.put("a/b/one", "1", { metadata }))
    // Someone clears the folders, data and sidecars alike, while the store is in use.
    await rm(join(root, "a"), { recursive: true })
    await rm(join(root, ".quest-meta", "a"), { recursive: true })
    await run(store.put("a/b/two", chunkedStream(series()), { metadata }))
    await run(store.copy("a/b/two", "a/c/d/three", { metadata }))
    expect(Buffer.from(await readFile(join(root, "a", "c", "d", "three"))).equals(Buffer.from(series()))).toBe(true)
    expect((await run(store.list("a/"))).map((o) => o.key)).toEqual(["a/b/two", "a/c/d/three"])
    expect((await run(store.head("a/c/d/three")))?.metadata).toEqual(metadata)
  })

  it("gives back a streamed body exactly, whatever its size and its chunks", async () => {
    const { root } = await freshRoot()
    const store = makeLocalStore(root)
    const KiB = 1024
    for (const size of [0, 1, 256 * KiB - 1, 256 * KiB, 256 * KiB + 1, 3 * 1024 * KiB + 5]) {
      const bytes = Uint8Array.from({ length: size }, (_, i) => (i * 131 + (i >> 20)) % 251)
      for (const chunk of [1000, 64 * KiB, 4 * 1024 * KiB]) {
        let offset = 0
        const body = new ReadableStream<Uint8Array>({
          pull(controller) {
            if (offset >= size) return controller.close()
            controller.enqueue(bytes.slice(offset, offset + chunk))
            offset += chunk
          }
        })
        await run(store.put("blob", body, { contentLength: size }))
        const same = (found: Uint8Array | undefined) => found !== undefined && Buffer.from(found).equals(Buffer.from(bytes))
        expect(same(await readFile(join(root, "blob"))), `${size} bytes in chunks of ${chunk}`).toBe(true)
        expect(same((await run(getBytes("blob").pipe(Effect.provideService(ObjectStore, store))))?.bytes), `${size} bytes read back`)
          .toBe(true)
      }
    }
  })

  it("leaves neither a temp file nor a changed object when a put is interrupted", async () => {
    const { root } = await freshRoot()
    const store = makeLocalStore(root)
    await run(store.put("bls/pr/pr.series", series(), { metadata: { "v": "1" } }))
    const before = await filesOnDisk(root)
    let sent = 0
    const endless = new ReadableStream<Uint8Array>({
      pull: async (controller) => {
        await new Promise((resolve) => setTimeout(resolve, 1))
        sent += 1024
        controller.enqueue(new Uint8Array(1024))
      }
    })
    const fiber = Effect.runFork(store.put("bls/pr/pr.series", endless, { contentLength: 10 * 1024 * 1024 }))
    while (sent < 50 * 1024) await new Promise((resolve) => setTimeout(resolve, 5))
    await Effect.runPromise(Fiber.interrupt(fiber))
    expect(await filesOnDisk(root)).toEqual(before)
    expect(await run(store.head("bls/pr/pr.series"))).toMatchObject({ size: series().byteLength, metadata: { "v": "1" } })
  })

  it("provides the ObjectStore service through its layer", async () => {
    const { root } = await freshRoot()
    await run(makeLocalStore(root).put("population/population.json", chunkedStream(series()), { contentLength: series().byteLength }))
    const found = await Effect.runPromise(getBytes("population/population.json").pipe(Effect.provide(localStoreLayer(root))))
    expect(found?.bytes.byteLength).toBe(series().byteLength)
  })
})
