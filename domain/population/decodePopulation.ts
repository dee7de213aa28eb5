/**
 * A DataUSA population response → one US population figure per year, sorted by year.
 *
 * Two shapes are accepted, because DataUSA retired the second one but copies of it live on:
 * - tesseract `jsonrecords`: `{annotations, page, columns, data: [{"Nation ID", Nation, Year, Population}]}`
 * - legacy `/api/data`:      `{data: [{"ID Nation", Nation, "ID Year", Year: "2019", Population, "Slug Nation"}], source}`
 * Both carry `data: [{Year, Population, ...}]`, so one row schema with both nation-id
 * spellings reads them; the Year may be a number or a string, the Population an integer or
 * a float, rows come in any order and extra fields are ignored.
 */
import * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"
import * as SchemaTransformation from "effect/SchemaTransformation"
import {
  PopulationConflictingYears,
  type PopulationDecodeError,
  PopulationNoRows,
  PopulationNotJson,
  PopulationNotNational,
  PopulationWrongShape
} from "./populationErrors.ts"

export interface PopulationYear {
  readonly year: number
  readonly population: number
}

export const US_NATION_ID = "01000US"
export const US_NATION_NAME = "United States"

const YearNumber = Schema.Int.check(Schema.isBetween({ minimum: 1000, maximum: 9999 }))
const YearString = Schema.String.check(Schema.isPattern(/^\s*\d{4}\s*$/)).pipe(
  Schema.decodeTo(YearNumber, SchemaTransformation.numberFromString)
)

const PopulationRow = Schema.Struct({
  "Nation ID": Schema.optionalKey(Schema.String),
  "ID Nation": Schema.optionalKey(Schema.String),
  Nation: Schema.optionalKey(Schema.String),
  Year: Schema.Union([YearNumber, YearString]),
  Population: Schema.Finite.check(Schema.isGreaterThan(0))
})

const PopulationResponse = Schema.Struct({ data: Schema.Array(PopulationRow) })

/** Keys a DataUSA row carries when the query drilled below the nation (e.g. `State ID`, `ID County`). */
const subNationalKey = /^(ID )?(State|County|Place|Puma|PUMA|Msa|MSA|Geography|Tract)( ID)?$/

const textOf = (input: Uint8Array | string): Effect.Effect<string, PopulationNotJson> =>
  typeof input === "string"
    ? Effect.succeed(input)
    : Effect.try({
      try: () => new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(input),
      catch: () =>
        new PopulationNotJson({
          detail: "the body is not valid UTF-8",
          excerpt: new TextDecoder().decode(input.subarray(0, 80))
        })
    })

const checkNational = (
  rows: ReadonlyArray<typeof PopulationRow.Type>,
  raw: ReadonlyArray<unknown>
): PopulationNotNational | undefined => {
  for (const [row, fields] of rows.entries()) {
    const wrong = (field: string, found: string, expected: string) => new PopulationNotNational({ row, field, found, expected })
    for (const field of ["Nation ID", "ID Nation"] as const) {
      const id = fields[field]
      if (id !== undefined && id.trim() !== US_NATION_ID) return wrong(field, id, JSON.stringify(US_NATION_ID))
    }
    if (fields.Nation !== undefined && fields.Nation.trim() !== US_NATION_NAME) {
      return wrong("Nation", fields.Nation, JSON.stringify(US_NATION_NAME))
    }
    const extra = Object.entries(raw[row] as Record<string, unknown>).find(([key]) => subNationalKey.test(key))
    if (extra !== undefined) return wrong(extra[0], String(extra[1]), "no sub-national field")
  }
  return undefined
}

/** One figure per year; identical duplicates (a repeated page) collapse, different ones are an error. */
const onePerYear = (
  rows: ReadonlyArray<typeof PopulationRow.Type>
): Effect.Effect<ReadonlyArray<PopulationYear>, PopulationConflictingYears> => {
  const byYear = new Map<number, number>()
  for (const row of rows) {
    const seen = byYear.get(row.Year)
    if (seen !== undefined && seen !== row.Population) {
      return Effect.fail(new PopulationConflictingYears({ year: row.Year, populations: [seen, row.Population] }))
    }
    byYear.set(row.Year, row.Population)
  }
  return Effect.succeed(
    [...byYear].sort(([a], [b]) => a - b).map(([year, population]) => ({ year, population }))
  )
}

/** Decodes a DataUSA response body (bytes as fetched, or text). */
export const decodePopulation = (
  input: Uint8Array | string
): Effect.Effect<ReadonlyArray<PopulationYear>, PopulationDecodeError> =>
  Effect.gen(function*() {
    const text = yield* textOf(input)
    // JSON.parse rather than Schema.fromJsonString: its message says where the text broke.
    const json: unknown = yield* Effect.try({
      try: () => JSON.parse(text),
      catch: (cause) => new PopulationNotJson({ detail: String((cause as Error).message), excerpt: text.slice(0, 80) })
    })
    const response = yield* Schema.decodeUnknownEffect(PopulationResponse)(json).pipe(
      Effect.mapError((error) => new PopulationWrongShape({ detail: error.message }))
    )
    if (response.data.length === 0) return yield* new PopulationNoRows()
    const notNational = checkNational(response.data, (json as { data: ReadonlyArray<unknown> }).data)
    if (notNational !== undefined) return yield* notNational
    return yield* onePerYear(response.data)
  })

export interface PopulationSummary {
  readonly rows: number
  readonly years: ReadonlyArray<number>
  readonly firstYear: number
  readonly lastYear: number
}

/** What a decoded population holds, for store metadata and logs. */
export const summarizePopulation = (figures: ReadonlyArray<PopulationYear>): PopulationSummary => {
  const years = figures.map((figure) => figure.year)
  return { rows: figures.length, years, firstYear: years[0] ?? NaN, lastYear: years.at(-1) ?? NaN }
}
