/**
 * Fetches US population by year from DataUSA, validates it, and stores the response as
 * fetched. Writing `population/population.json` is what triggers the analytics in AWS,
 * so it is written only when it validated and when the reports' inputs changed: new
 * population bytes, or a BLS sync that changed the mirror.
 */
import { Clock, Effect } from "effect"
import { sha256 } from "@noble/hashes/sha2.js"
import { bytesToHex } from "@noble/hashes/utils.js"
import { SourceHttp } from "../http/SourceHttp.ts"
import { ObjectStore } from "../store/ObjectStore.ts"
import { decodePopulation, summarizePopulation } from "./decodePopulation.ts"


/** DataUSA answers a few KB; anything far larger is not the response we asked for. */
const MAX_RESPONSE_BYTES = 5 * 1024 * 1024

export interface PopulationOptions {
  readonly url: string
  readonly key: string
  /** Rewrite even identical bytes, so the analytics run on inputs that changed elsewhere. */
  readonly rewriteUnchanged: boolean
  readonly dryRun: boolean
}

export interface PopulationRunSummary {
  readonly event: "population"
  readonly source: string
  readonly key: string
  readonly store: string
  readonly dryRun: boolean
  readonly written: boolean
  readonly reason: "new" | "changed" | "unchanged" | "rewritten: inputs changed" | "dry run"
  readonly rows: number
  readonly firstYear: number
  readonly lastYear: number
  readonly bytes: number
  readonly sha256: string
  readonly requests: number
  readonly durationMs: number
}

export const fetchPopulation = (options: PopulationOptions) =>
  Effect.gen(function*() {
    const source = yield* SourceHttp
    const store = yield* ObjectStore
    const startedAt = yield* Clock.currentTimeMillis
    const requestsBefore = source.requestsMade()

    const bytes = yield* source.getBytes(options.url, MAX_RESPONSE_BYTES)
    const figures = yield* decodePopulation(bytes)
    const summary = summarizePopulation(figures)
    const digest = bytesToHex(sha256(bytes))

    const current = yield* store.head(options.key)
    const reason: PopulationRunSummary["reason"] = options.dryRun
      ? "dry run"
      : current === undefined
      ? "new"
      : current.metadata["sha256"] !== digest
      ? "changed"
      : options.rewriteUnchanged
      ? "rewritten: inputs changed"
      : "unchanged"
    const written = reason !== "dry run" && reason !== "unchanged"
    if (written) {
      yield* store.put(options.key, bytes, {
        contentType: "application/json",
        metadata: {
          "source-url": options.url,
          "fetched-at": new Date(startedAt).toISOString(),
          "sha256": digest,
          "rows": String(summary.rows),
          "years": `${summary.firstYear}-${summary.lastYear}`
        }
      })
    }
    const finishedAt = yield* Clock.currentTimeMillis
    const result: PopulationRunSummary = {
      event: "population",
      source: options.url,
      key: options.key,
      store: store.location,
      dryRun: options.dryRun,
      written,
      reason,
      rows: summary.rows,
      firstYear: summary.firstYear,
      lastYear: summary.lastYear,
      bytes: bytes.byteLength,
      sha256: digest,
      requests: source.requestsMade() - requestsBefore,
      durationMs: finishedAt - startedAt
    }
    yield* Effect.logInfo(result)
    return result
  })
