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
import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import { digestBody } from "../bytes/digestingStream.ts"
import { StreamingSha256 } from "../bytes/streamingSha256.ts"
import { BLS_DATA_KEY, POPULATION_KEY, REPORTS_PREFIX } from "../storeKeys.ts"
import { ObjectStore, getBytes } from "../store/ObjectStore.ts"
import { decodePopulation } from "../population/decodePopulation.ts"
import { populationStats } from "./populationStats.ts"
import { makeReportDocument, type ReportDocument } from "./reportDocument.ts"
import { ReportInputRefused, ReportInputsMissing, StoredPopulationInvalid } from "./reportErrors.ts"
import { type ReportFile, reportFiles } from "./reportFiles.ts"
import { BestYearAccumulator } from "./bestYearBySeries.ts"
import { readBlsRows } from "./blsRows.ts"
import { SeriesPeriodCollector, seriesPopulationJoin } from "./seriesPopulationJoin.ts"
import { streamedText } from "./streamedText.ts"

/** The folder that always holds the last reports. */
export const LATEST_REPORTS_FOLDER = `${REPORTS_PREFIX}latest/`

/** The store folders a run writes its files under: the dated one, then `latest/`. */
export const reportFolders = (date: Date): readonly [string, string] => [
  `${REPORTS_PREFIX}${date.toISOString().slice(0, 10)}/`,
  LATEST_REPORTS_FOLDER
]

/** The default of QUEST_MAX_REPORT_DROP_SHARE. */
export const DEFAULT_MAX_DROP_SHARE = 0.5

/** The metadata every report file carries: the inputs' sha256, and the counts the drop guard compares. */
const reportMetadata = (doc: ReportDocument) => ({
  "bls-sha256": doc.inputs.bls.sha256,
  "population-sha256": doc.inputs.population.sha256,
  "bls-rows": String(doc.inputs.bls.rows),
  "bls-series": String(doc.bestYearBySeries.length + doc.seriesWithoutQuarters.length)
})

const count = (text: string | undefined) => text !== undefined && /^\d+$/.test(text) ? Number(text) : undefined

/** What the last stored report was computed from, by report.json's metadata (one HEAD, whatever the report's size). */
const lastReportInput = Effect.gen(function*() {
  const head = yield* ObjectStore.use((store) => store.head(`${LATEST_REPORTS_FOLDER}report.json`))
  const rows = count(head?.metadata["bls-rows"])
  const series = count(head?.metadata["bls-series"])
  return rows === undefined || series === undefined ? undefined : { rows, series, sha256: head?.metadata["bls-sha256"] }
})

/** The row reports in one pass; a function of its own so that the per-series sums are gone before the files are written. */
const rowReports = Effect.fnUntraced(function*(body: ReadableStream<Uint8Array>) {
  const bestYears = new BestYearAccumulator()
  const joined = new SeriesPeriodCollector()
  const read = yield* readBlsRows(body, (row) => {
    bestYears.add(row)
    joined.add(row)
  })
  return { read, best: yield* bestYears.finish(), joinedRows: joined.rows }
})

export interface RunReportsOptions {
  readonly now?: Date
  /**
   * Largest share (0–1) by which the BLS rows or series may fall against the last stored
   * report; a sharper drop (a truncated or mostly rejected file) refuses the input.
   */
  readonly maxDropShare?: number
}

export const runReports = Effect.fn("runReports")(function*(options?: RunReportsOptions) {
  const store = yield* ObjectStore
  const hasher = yield* StreamingSha256

  const missing = (keys: ReadonlyArray<string>) =>
    new ReportInputsMissing({
      location: store.location,
      missing: [
        ...(keys.includes(BLS_DATA_KEY) ? [{ key: BLS_DATA_KEY, command: "quest sync" }] : []),
        ...(keys.includes(POPULATION_KEY) ? [{ key: POPULATION_KEY, command: "quest population" }] : [])
      ]
    })

  const maxDrop = options?.maxDropShare ?? DEFAULT_MAX_DROP_SHARE
  // Three independent round trips side by side (on S3, three latencies become one): the
  // writability probe, so a store that cannot take the reports is found out before they are
  // computed, the population, and the last report's inputs. Taken in that order, so a
  // failing store is named first.
  const [writable, population, lastInput] = yield* Effect.all([
    Effect.exit(store.checkWritable?.() ?? Effect.void),
    Effect.exit(getBytes(POPULATION_KEY)),
    Effect.exit(maxDrop >= 1 ? Effect.succeed(undefined) : lastReportInput)
  ], { concurrency: "unbounded" })
  yield* writable
  const populationObject = yield* population
  if (populationObject === undefined) {
    // One message names everything that is missing, so look for the other input too.
    const bls = yield* store.head(BLS_DATA_KEY)
    return yield* missing(bls === undefined ? [BLS_DATA_KEY, POPULATION_KEY] : [POPULATION_KEY])
  }
  const figures = yield* decodePopulation(populationObject.bytes).pipe(
    Effect.mapError((error) => new StoredPopulationInvalid({ key: POPULATION_KEY, detail: error.message }))
  )
  const stats = yield* populationStats(figures)
  const populationHash = yield* hasher.sha256()
  populationHash.update(populationObject.bytes)
  const populationSha256 = populationHash.digestHex()

  const blsObject = yield* store.get(BLS_DATA_KEY)
  if (blsObject === undefined) return yield* missing([BLS_DATA_KEY])
  // The mirror records the sha256 of what it writes: the file is hashed while read only
  // when no such record exists (a file put there by other means).
  const recorded = blsObject.object.metadata["sha256"]
  const blsHash = recorded === undefined ? digestBody(blsObject.body, undefined, yield* hasher.sha256()) : undefined
  const { read, best, joinedRows } = yield* rowReports(blsHash?.body ?? blsObject.body)
  if (read.rejected > 0) {
    yield* Effect.logWarning(`${BLS_DATA_KEY}: ${read.rejected} lines are not BLS rows and were left out`).pipe(
      Effect.annotateLogs({ examples: read.examples })
    )
  }

  const blsSha256 = recorded ?? blsHash?.sha256() ?? ""
  const refuse = (detail: string, hint: string) => new ReportInputRefused({ key: BLS_DATA_KEY, detail, hint })
  if (read.rows === 0) {
    return yield* refuse(
      `it holds no valid BLS row (${read.rejected} line(s) rejected)`,
      "Check the mirrored file; the next sync fetches it again once upstream changes it."
    )
  }
  const series = best.bestYearBySeries.length + best.seriesWithoutQuarters.length
  const last = yield* lastInput
  if (last !== undefined && last.sha256 !== blsSha256) {
    const fell = (now: number, before: number) => before > 0 && now < before * (1 - maxDrop)
    if (fell(read.rows, last.rows) || fell(series, last.series)) {
      return yield* refuse(
        `it holds ${read.rows} rows in ${series} series, against ${last.rows} rows in ${last.series} series ` +
          `behind the last stored report: more than ${Math.round(maxDrop * 100)}% fewer`,
        "If upstream really shrank, run the reports with QUEST_MAX_REPORT_DROP_SHARE=1 (--max-report-drop-share 1)."
      )
    }
  }

  const doc = makeReportDocument({
    populationStats: stats,
    bestYearBySeries: best.bestYearBySeries,
    seriesWithoutQuarters: best.seriesWithoutQuarters,
    prs30006032Q01: seriesPopulationJoin(joinedRows, figures),
    inputs: {
      bls: { key: BLS_DATA_KEY, sha256: blsSha256, rows: read.rows, rejected: read.rejected },
      population: { key: POPULATION_KEY, sha256: populationSha256, years: figures.length }
    }
  })

  const now = options?.now ?? new Date(yield* Clock.currentTimeMillis)
  const metadata = reportMetadata(doc)
  const [dated, latest] = reportFolders(now)
  // Each file made and written once, streamed, one at a time (made side by side, a large
  // report's files raised the run's peak memory), then copied to latest/ side by side.
  // report.json goes last into each folder: a reader that sees it there finds the rest of
  // the set. The dated report.json is written while the others are copied to latest/.
  const files = reportFiles(doc, figures)
  const fileOptions = (file: ReportFile) => ({ contentType: file.contentType, metadata })
  const put = (file: ReportFile) => store.put(dated + file.name, streamedText(file.pieces), fileOptions(file))
  const copy = (file: ReportFile) => store.copy(dated + file.name, latest + file.name, fileOptions(file))
  const [others, json] = [files.slice(0, -1), files.at(-1)!]
  yield* Effect.forEach(others, put, { discard: true })
  yield* Effect.all([Effect.forEach(others, copy, { concurrency: "unbounded", discard: true }), put(json)], {
    concurrency: "unbounded",
    discard: true
  })
  yield* copy(json)
  return doc satisfies ReportDocument
})
