/**
 * The row-based reports (best year by series; PRS30006032 Q01 rows) in one pass over the
 * BLS rows, feeding the bytes to a hash too when one is given.
 *
 * A function of its own so the accumulators live only while it runs: with a million
 * series their state is 100+ MB, garbage by the time the report files are written.
 */
import { Effect } from "effect"
import { BestYearAccumulator } from "./bestYearBySeries.ts"
import { readBlsRows } from "./blsRows.ts"
import { SeriesPeriodCollector } from "./seriesPopulationJoin.ts"

export const readRowReports = (body: ReadableStream<Uint8Array>, onChunk?: (chunk: Uint8Array) => void) =>
  Effect.gen(function*() {
    const bestYears = new BestYearAccumulator()
    const joined = new SeriesPeriodCollector()
    const read = yield* readBlsRows(body, (row) => {
      bestYears.add(row)
      joined.add(row)
    }, onChunk === undefined ? {} : { onChunk })
    const best = yield* bestYears.finish()
    return { read, best, joinedRows: joined.rows }
  })
