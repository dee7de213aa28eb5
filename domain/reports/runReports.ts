/**
 * The report run: reads the mirrored BLS data and the stored population from the object
 * store, computes the three reports in a single streamed pass over the BLS file, stores
 * them under `reports/<YYYY-MM-DD>/` and `reports/latest/`, and returns the document.
 *
 * Idempotent by construction: every stored byte derives from the inputs (report.json has no
 * generation time; the inputs' sha256 identify them), so the same inputs — e.g. a duplicate
 * delivery of the same S3 event — rewrite byte-identical objects. The run's date (from
 * Effect's Clock unless given) only chooses the dated folder.
 */
import { Clock, Effect } from "effect"
import { sha256Hex } from "../bytes/sha256Hex.ts"
import { BLS_DATA_KEY, POPULATION_KEY, REPORTS_PREFIX } from "../storeKeys.ts"
import { ObjectStore, getBytes } from "../store/ObjectStore.ts"
import { decodePopulation } from "../population/decodePopulation.ts"
import { InputHasher } from "./inputHasher.ts"
import { populationStats } from "./populationStats.ts"
import { makeReportDocument, type ReportDocument } from "./reportDocument.ts"
import { ReportInputsMissing, StoredPopulationInvalid } from "./reportErrors.ts"
import { reportFiles } from "./reportFiles.ts"
import { readRowReports } from "./rowReports.ts"
import { seriesPopulationJoin } from "./seriesPopulationJoin.ts"
import { streamedText } from "./streamedText.ts"


/** The store folders a run writes its files under: the dated one, then `latest/`. */
export const reportFolders = (date: Date): readonly [string, string] => [
  `${REPORTS_PREFIX}${date.toISOString().slice(0, 10)}/`,
  `${REPORTS_PREFIX}latest/`
]

export const runReports = Effect.fn("runReports")(function*(options?: { readonly now?: Date }) {
  const store = yield* ObjectStore
  const hasher = yield* InputHasher

  const missing = (keys: ReadonlyArray<string>) =>
    new ReportInputsMissing({
      location: store.location,
      missing: [
        ...(keys.includes(BLS_DATA_KEY) ? [{ key: BLS_DATA_KEY, command: "quest sync" }] : []),
        ...(keys.includes(POPULATION_KEY) ? [{ key: POPULATION_KEY, command: "quest population" }] : [])
      ]
    })

  const populationObject = yield* getBytes(POPULATION_KEY)
  if (populationObject === undefined) {
    // One message names everything that is missing, so look for the other input too.
    const bls = yield* store.head(BLS_DATA_KEY)
    return yield* missing(bls === undefined ? [BLS_DATA_KEY, POPULATION_KEY] : [POPULATION_KEY])
  }
  const figures = yield* decodePopulation(populationObject.bytes).pipe(
    Effect.mapError((error) => new StoredPopulationInvalid({ key: POPULATION_KEY, detail: error.message }))
  )
  const stats = yield* populationStats(figures)
  const populationSha256 = yield* sha256Hex(populationObject.bytes)

  const blsObject = yield* store.get(BLS_DATA_KEY)
  if (blsObject === undefined) return yield* missing([BLS_DATA_KEY])
  // The mirror verified and recorded the file's sha256 when it wrote it (atomically with
  // the bytes), so hashing it again would only cost time: it is hashed while read only
  // when no such record exists (a file put there by other means).
  const recorded = blsObject.object.metadata["sha256"]
  const blsHash = recorded === undefined ? yield* hasher.sha256() : undefined
  // One pass: every row feeds both row-based reports (and the bytes the hash, if needed).
  const { read, best, joinedRows } = yield* readRowReports(blsObject.body, blsHash?.update)
  if (read.rejected > 0) {
    yield* Effect.logWarning(`${BLS_DATA_KEY}: ${read.rejected} lines are not BLS rows and were left out`).pipe(
      Effect.annotateLogs({ examples: read.examples })
    )
  }

  const doc = makeReportDocument({
    populationStats: stats,
    bestYearBySeries: best.bestYearBySeries,
    seriesWithoutQuarters: best.seriesWithoutQuarters,
    prs30006032Q01: seriesPopulationJoin(joinedRows, figures),
    inputs: {
      bls: { key: BLS_DATA_KEY, sha256: recorded ?? blsHash?.digestHex() ?? "", rows: read.rows, rejected: read.rejected },
      population: { key: POPULATION_KEY, sha256: populationSha256, years: figures.length }
    }
  })

  const now = options?.now ?? new Date(yield* Clock.currentTimeMillis)
  const metadata = { "bls-sha256": doc.inputs.bls.sha256, "population-sha256": doc.inputs.population.sha256 }
  const [dated, latest] = reportFolders(now)
  // Written once, streamed (a large report is never one string), then copied to latest/.
  for (const file of reportFiles(doc, figures)) {
    const { body, contentLength } = streamedText(file.pieces)
    const options = { contentType: file.contentType, metadata, contentLength }
    yield* store.put(dated + file.name, body, options)
    yield* store.copy(dated + file.name, latest + file.name, options)
  }
  return doc satisfies ReportDocument
})
