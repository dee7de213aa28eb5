/**
 * Fetches US population by year from DataUSA, validates it, and stores the response as
 * fetched. Writing `population/population.json` is what triggers the analytics in AWS,
 * so it is written only when it validated (including the years the reports need) and
 * when the reports' inputs changed: new population bytes, or — for the ingest — a BLS
 * data file other than the one the population was last written with. That is read from
 * the store, not from what one run did, so a run that failed half-way is caught up by
 * the next one.
 */
import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import { sha256Hex } from "../bytes/sha256Hex.ts"
import { SourceHttp } from "../http/SourceHttp.ts"
import { ObjectStore } from "../store/ObjectStore.ts"
import { populationStats } from "../reports/populationStats.ts"
import { decodePopulation } from "./decodePopulation.ts"

/** DataUSA answers a few KB; anything far larger is not the response we asked for. */
const MAX_RESPONSE_BYTES = 5 * 1024 * 1024

export interface PopulationOptions {
  readonly url: string
  readonly key: string
  readonly dryRun: boolean
  /**
   * For the ingest: the sha256 the mirror recorded for the reports' BLS file (undefined
   * while the store holds none). The population is rewritten when it differs from the one
   * recorded with the stored population, and held back while there is no BLS data to
   * report on. Without this option the population is written whenever its bytes change.
   */
  readonly reportInputs?: { readonly blsSha256: string | undefined }
}

type Reason = "new" | "changed" | "unchanged" | "rewritten: BLS data changed" | "held: no BLS data to report on yet" | "dry run"

export const fetchPopulation = (options: PopulationOptions) =>
  Effect.gen(function*() {
    const source = yield* SourceHttp
    const store = yield* ObjectStore
    const startedAt = yield* Clock.currentTimeMillis
    const requestsBefore = source.requestsMade()

    const bytes = yield* source.getBytes(options.url, MAX_RESPONSE_BYTES)
    const figures = yield* decodePopulation(bytes)
    // A well-formed answer without the years the reports need must not replace a good one.
    yield* populationStats(figures)
    const [firstYear, lastYear] = [figures[0]!.year, figures.at(-1)!.year]
    const sha256 = yield* sha256Hex(bytes)

    const current = yield* store.head(options.key)
    const blsSha256 = options.reportInputs?.blsSha256
    const reason: Reason = options.dryRun
      ? "dry run"
      : options.reportInputs !== undefined && blsSha256 === undefined
      ? "held: no BLS data to report on yet"
      : current === undefined
      ? "new"
      : current.metadata["sha256"] !== sha256
      ? "changed"
      : blsSha256 !== undefined && current.metadata["bls-sha256"] !== blsSha256
      ? "rewritten: BLS data changed"
      : "unchanged"
    const written = reason === "new" || reason === "changed" || reason === "rewritten: BLS data changed"
    if (written) {
      yield* store.put(options.key, bytes, {
        contentType: "application/json",
        metadata: {
          "source-url": options.url,
          "fetched-at": new Date(startedAt).toISOString(),
          sha256,
          "rows": String(figures.length),
          "years": `${firstYear}-${lastYear}`,
          ...(blsSha256 === undefined ? {} : { "bls-sha256": blsSha256 })
        }
      })
    }
    const summary = {
      event: "population" as const,
      source: options.url,
      key: options.key,
      store: store.location,
      dryRun: options.dryRun,
      written,
      reason,
      rows: figures.length,
      firstYear,
      lastYear,
      bytes: bytes.byteLength,
      sha256,
      requests: source.requestsMade() - requestsBefore,
      durationMs: (yield* Clock.currentTimeMillis) - startedAt
    }
    yield* Effect.logInfo({
      message: `Population ${written ? "written" : "not written"} (${reason}): ${figures.length} years ` +
        `${firstYear}–${lastYear} → ${options.key}`,
      ...summary
    })
    return summary
  })

export type PopulationRunSummary = Effect.Success<ReturnType<typeof fetchPopulation>>
