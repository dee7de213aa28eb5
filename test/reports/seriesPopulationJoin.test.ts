/** PRS30006032 / Q01 joined to the population: every year kept, null where no figure. */
import { describe, expect, it } from "vitest"
import type { BlsRow } from "../../domain/reports/blsRows.ts"
import { SeriesPeriodCollector, seriesPopulationJoin } from "../../domain/reports/seriesPopulationJoin.ts"

const r = (series_id: string, year: number, period: string, value: number): BlsRow =>
  ({ series_id, year, period, value, scaled: value * 10, decimals: 1 })

describe("series and population join", () => {
  it("keeps only PRS30006032 Q01 and gives each year its population, or null", () => {
    const collector = new SeriesPeriodCollector()
    for (
      const row of [
        r("PRS30006031", 2018, "Q01", 9),
        r("PRS30006032", 2019, "Q01", 1.5),
        r("PRS30006032", 2019, "Q02", 7),
        r("PRS30006032", 2012, "Q01", -0.4),
        r("PRS30006033", 2019, "Q01", 9),
        r("PRS30006032", 2018, "Q01", 0.5)
      ]
    ) collector.add(row)
    const joined = seriesPopulationJoin(collector.rows, [
      { year: 2018, population: 327167439 },
      { year: 2019, population: 328239523 }
    ])
    expect(joined).toEqual([
      { seriesId: "PRS30006032", year: 2012, period: "Q01", value: -0.4, population: null },
      { seriesId: "PRS30006032", year: 2018, period: "Q01", value: 0.5, population: 327167439 },
      { seriesId: "PRS30006032", year: 2019, period: "Q01", value: 1.5, population: 328239523 }
    ])
  })
})
