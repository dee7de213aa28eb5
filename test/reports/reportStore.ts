/** A memory store holding the fixture inputs, and a report run against it at a chosen time. */
import { readFileSync } from "node:fs"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Logger from "effect/Logger"
import * as TestClock from "effect/testing/TestClock"
import { runReports } from "../../domain/reports/runReports.ts"
import { BLS_DATA_KEY, POPULATION_KEY } from "../../domain/storeKeys.ts"
import { ObjectStore } from "../../domain/store/ObjectStore.ts"
import { makeMemoryStore, type MemoryStore } from "../support/memoryStore.ts"
import { blsFixture } from "./blsStreams.ts"

export type PopulationShape = "tesseract" | "legacy"

export const populationFixture = (shape: PopulationShape) =>
  new Uint8Array(readFileSync(new URL(`../fixtures/datausa/nation-population.${shape}.json`, import.meta.url)))

export const seededStore = async (
  inputs: { readonly bls?: Uint8Array | string | null; readonly population?: Uint8Array | string | null } = {}
): Promise<MemoryStore> => {
  const store = makeMemoryStore()
  const bls = inputs.bls === undefined ? blsFixture : inputs.bls
  const population = inputs.population === undefined ? populationFixture("tesseract") : inputs.population
  if (bls !== null) await Effect.runPromise(store.put(BLS_DATA_KEY, bls))
  if (population !== null) await Effect.runPromise(store.put(POPULATION_KEY, population))
  store.clearWrites()
  return store
}

/** What the last run logged, `LEVEL message`: kept, not printed, so a test can assert it and a passing run reads clean. */
export const logged: Array<string> = []
const keepLogs = Logger.layer([Logger.make(({ logLevel, message }) => {
  logged.push(`${logLevel.toUpperCase()} ${[message].flat().join(" ")}`)
})])

/** Runs the reports with the test clock at `at`, so the dated folder is known. */
export const reportsAt = (store: MemoryStore, at = "2026-06-05T10:00:00Z", program = runReports()) => {
  logged.length = 0
  return Effect.runPromiseExit(
    Effect.gen(function*() {
      yield* TestClock.setTime(Date.parse(at))
      return yield* program
    }).pipe(Effect.provideService(ObjectStore, store), Effect.provide(TestClock.layer()), Effect.provide(keepLogs))
  )
}

export const documentOf = async (store: MemoryStore, at?: string) => {
  const exit = await reportsAt(store, at)
  if (Exit.isFailure(exit)) throw new Error(`the reports failed: ${String(exit.cause)}`)
  return exit.value
}

/** Every object under `prefix`, as text. */
export const objectsUnder = async (store: MemoryStore, prefix: string): Promise<Record<string, string>> => {
  const listed = await Effect.runPromise(store.list(prefix))
  const entries = await Promise.all(listed.map(async ({ key }) => {
    const found = await Effect.runPromise(store.get(key))
    return [key, await new Response(found!.body).text()] as const
  }))
  return Object.fromEntries(entries)
}
