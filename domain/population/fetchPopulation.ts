/**
 * Fetches US population by year from DataUSA, validates it, and stores the response as
 * fetched. Writing `population/population.json` is what triggers the analytics in AWS,
 * so it is written only when it validated and when the reports' inputs changed: new
 * population bytes, or a BLS sync that changed the mirror.
 */
import { Clock, Effect, Schema } from "effect"
import { sha256 } from "@noble/hashes/sha2.js"
import { bytesToHex } from "@noble/hashes/utils.js"
import { readAll, TooManyBytes } from "../bytes/readAll.ts"
import { SourceHttp } from "../http/SourceHttp.ts"
import { TransientSourceFailure } from "../http/sourceErrors.ts"
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

export class PopulationTooLarge extends Schema.TaggedError<PopulationTooLarge>()("PopulationTooLarge", {
  url: Schema.String,
  limit: Schema.Number
}) {
  override get message() {
    return `${this.url} sent more than ${this.limit} bytes, far more than a population table. ` +
      `Check POPULATION_URL; nothing was written.`
  }
}

const readCapped = (body: ReadableStream<Uint8Array> | null, url: string) =>
  Effect.tryPromise({
    try: () => readAll(body, MAX_RESPONSE_BYTES),
    catch: (error) =>
      error instanceof TooManyBytes
        ? new PopulationTooLarge({ url, limit: MAX_RESPONSE_BYTES })
        : new TransientSourceFailure({ url, reason: `body broke: ${String(error)}` })
  })

export const fetchPopulation = (options: PopulationOptions) =>
  Effect.gen(function*() {
    const source = yield* SourceHttp
    const store = yield* ObjectStore
    const startedAt = yield* Clock.currentTimeMillis
    const requestsBefore = source.requestsMade()

    // The body is read inside the retried unit: a connection dropped mid-body is retried too.
    const bytes = yield* source.retry(
      Effect.flatMap(source.attempt(options.url), (response) =>
        readCapped(response.body, options.url))
    )
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
