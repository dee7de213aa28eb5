/**
 * The row-based reports (best year by series; PRS30006032 Q01 rows) in one pass over the
 * BLS rows, feeding the bytes to a hash too when one is given.
 *
 * A function of its own so the accumulators live only while it runs: with a million
 * series their state is 100+ MB, garbage by the time the report files are written.
 */
import * as Effect from "effect/Effect"
import { BestYearAccumulator } from "./bestYearBySeries.ts"
import { type BlsRowSink, readBlsRows } from "./blsRows.ts"
import { SeriesPeriodCollector } from "./seriesPopulationJoin.ts"

/** Both row-based reports as one sink: each row's fields go to both, no row object made. */
class RowReports implements BlsRowSink {
  readonly bestYears = new BestYearAccumulator()
  readonly joined = new SeriesPeriodCollector()

  row(seriesId: string, year: number, period: string, scaled: number, decimals: number): void {
    this.bestYears.addFields(seriesId, year, period, scaled, decimals)
    this.joined.addFields(seriesId, year, period, scaled, decimals)
  }
}

export const readRowReports = (body: ReadableStream<Uint8Array>, onChunk?: (chunk: Uint8Array) => void) =>
  Effect.gen(function*() {
    const reports = new RowReports()
    const read = yield* readBlsRows(body, reports, onChunk === undefined ? {} : { onChunk })
    const best = yield* reports.bestYears.finish()
    return { read, best, joinedRows: reports.joined.rows }
  })
