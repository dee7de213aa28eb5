import * as Effect from "effect/Effect"
import { describe, expect, it } from "vitest"
import { getBytes } from "../../domain/store/ObjectStore.ts"
import { makeMemoryStore, memoryStoreLayer } from "../support/memoryStore.ts"
import { chunkedStream, cutAfter } from "../support/upstream/bodyStreams.ts"
import { blsFixtureFiles } from "../support/upstream/fixtureData.ts"
import { storeContract } from "./contract.ts"

const series = () => blsFixtureFiles().find((f) => f.name === "pr.series")!.bytes

describe("memory store", () => {
  storeContract(async () => makeMemoryStore())

  it("logs completed puts and copies and every delete, and not failed puts or reads", async () => {
    const store = makeMemoryStore()
    const bytes = series()
    await Effect.runPromise(store.put("bls/pr/pr.series", chunkedStream(bytes), { contentLength: bytes.byteLength }))
    await Effect.runPromise(Effect.flip(store.put("bls/pr/pr.series", cutAfter(chunkedStream(bytes), 10, "reset"))))
    await Effect.runPromise(store.copy("bls/pr/pr.series", "bls/pr/pr.series", { metadata: { "v": "2" } }))
    await Effect.runPromise(store.head("bls/pr/pr.series"))
    await Effect.runPromise(store.list(""))
    await Effect.runPromise(store.delete("bls/pr/gone"))
    expect(store.writes).toEqual([
      { operation: "put", key: "bls/pr/pr.series", size: bytes.byteLength },
      { operation: "copy", from: "bls/pr/pr.series", key: "bls/pr/pr.series" },
      { operation: "delete", key: "bls/pr/gone" }
    ])
    store.clearWrites()
    await Effect.runPromise(store.get("bls/pr/pr.series"))
    expect(store.writes).toEqual([])
  })

  it("provides the ObjectStore service through its layer", async () => {
    const store = makeMemoryStore()
    await Effect.runPromise(store.put("population/population.json", series()))
    const found = await Effect.runPromise(getBytes("population/population.json").pipe(Effect.provide(memoryStoreLayer(store))))
    expect(found?.bytes.byteLength).toBe(series().byteLength)
  })
})
