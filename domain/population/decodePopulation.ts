/**
 * A DataUSA population response → one US population figure per year, sorted by year.
 *
 * Two shapes are accepted, because DataUSA retired the second one but copies of it live on:
 * - tesseract `jsonrecords`: `{annotations, page, columns, data: [{"Nation ID", Nation, Year, Population}]}`
 * - legacy `/api/data`:      `{data: [{"ID Nation", Nation, "ID Year", Year: "2019", Population, "Slug Nation"}], source}`
 * One Schema reads both: either nation-id spelling, a Year as number or string, rows in any
 * order, extra fields ignored unless they drill below the nation.
 */
import * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"
import * as SchemaTransformation from "effect/SchemaTransformation"
import { printable } from "../printable.ts"

export interface PopulationYear {
  readonly year: number
  readonly population: number
}

export class PopulationInvalid extends Schema.TaggedError<PopulationInvalid>()("PopulationInvalid", {
  detail: Schema.String
}) {
  override get message() {
    return `The DataUSA population response is not one US population figure per year: ${printable(this.detail)}. ` +
      "The stored population was left unchanged; check POPULATION_URL and run `quest population` again."
  }
}

/** What to change when the rows are not the nation's: the query's `drilldowns` parameter. */
const DRILL_DOWN = "the query must drill down by Year and Nation only"

const YEAR = { expected: "a 4-digit year" }
const YearNumber = Schema.Int.check(Schema.isBetween({ minimum: 1000, maximum: 9999 }, YEAR))
const YearString = Schema.String.check(Schema.isPattern(/^\s*\d{4}\s*$/, YEAR)).pipe(
  Schema.decodeTo(YearNumber, SchemaTransformation.numberFromString)
)
/** A filter rather than a Literal: its `expected` keeps the value found in the message, and says what to do. */
const national = (value: string) =>
  Schema.String.check(
    Schema.makeFilter((found) => found === value, { expected: `${JSON.stringify(value)} (${DRILL_DOWN})` })
  )
const US = national("01000US")

const Row = Schema.StructWithRest(
  Schema.Struct({
    "Nation ID": Schema.optionalKey(US),
    "ID Nation": Schema.optionalKey(US),
    Nation: Schema.optionalKey(national("United States")),
    Year: Schema.Union([YearNumber, YearString]),
    Population: Schema.Finite.check(Schema.isGreaterThan(0))
  }),
  [Schema.Record(
    Schema.String.check(Schema.isPattern(/^(ID )?(State|County|Place|Puma|PUMA|Msa|MSA|Geography|Tract)( ID)?$/)),
    Schema.Never.annotate({ message: `a field below the nation: ${DRILL_DOWN}` })
  )]
)

/** Identical duplicates (a repeated page) collapse; two figures for one year are refused. */
const onePerYear = Schema.makeFilter((rows: ReadonlyArray<{ readonly Year: number; readonly Population: number }>) => {
  const byYear = new Map<number, number>()
  for (const { Year, Population } of rows) {
    const seen = byYear.get(Year)
    if (seen !== undefined && seen !== Population) {
      return `${Year} has two populations, ${seen} and ${Population}, as if the rows were below the nation: ` +
        DRILL_DOWN
    }
    byYear.set(Year, Population)
  }
  return true
})

const PopulationResponse = Schema.Struct({
  data: Schema.Array(Row).check(Schema.isMinLength(1, { message: "no rows (the data array is empty)" }), onePerYear)
})

const invalid = (detail: string) => new PopulationInvalid({ detail })

/** Decodes a DataUSA response body (bytes as fetched, or text). */
export const decodePopulation = (input: Uint8Array | string): Effect.Effect<ReadonlyArray<PopulationYear>, PopulationInvalid> =>
  Effect.try({
    try: () => typeof input === "string" ? input : new TextDecoder("utf-8", { fatal: true }).decode(input),
    catch: () => invalid("the body is not valid UTF-8")
  }).pipe(
    // JSON.parse's own message says where the text broke and how it starts (an HTML error page, a proxy's notice).
    Effect.flatMap((text) => Effect.try({ try: () => JSON.parse(text) as unknown, catch: (error) => invalid(`not JSON (${String(error)})`) })),
    Effect.flatMap((json) =>
      Effect.mapError(Schema.decodeUnknownEffect(PopulationResponse)(json, { reportInput: true }), (error) => invalid(error.message.replace(/\n\s*/g, " ")))
    ),
    Effect.map(({ data }) =>
      [...new Map(data.map((row) => [row.Year, row.Population]))]
        .sort(([a], [b]) => a - b)
        .map(([year, population]) => ({ year, population }))
    )
  )
