/**
 * Why a DataUSA response could not be read as one US population figure per year.
 * Each error names what was wrong; the fetch writes nothing when it sees one, so the
 * previously stored population stays in place.
 */
import * as Schema from "effect/Schema"

const retry = "The stored population was left unchanged; check POPULATION_URL and run `quest population` again."

export class PopulationNotJson extends Schema.TaggedError<PopulationNotJson>()("PopulationNotJson", {
  detail: Schema.String,
  /** The first characters of the body, to recognise an HTML error page or a proxy message. */
  excerpt: Schema.String
}) {
  override get message() {
    return `The DataUSA population response is not JSON (${this.detail}); it starts with ${
      JSON.stringify(this.excerpt)
    }. ${retry}`
  }
}

export class PopulationWrongShape extends Schema.TaggedError<PopulationWrongShape>()("PopulationWrongShape", {
  detail: Schema.String
}) {
  override get message() {
    return `The DataUSA population response is JSON but not in a known shape ` +
      `(expected {data: [{Year, Population, ...}]} as the tesseract or the legacy API serves it): ${this.detail}. ` +
      retry
  }
}

export class PopulationNoRows extends Schema.TaggedError<PopulationNoRows>()("PopulationNoRows", {}) {
  override get message() {
    return `The DataUSA population response has no rows (its "data" array is empty), ` +
      `so there is no population figure to report. ${retry}`
  }
}

export class PopulationConflictingYears
  extends Schema.TaggedError<PopulationConflictingYears>()("PopulationConflictingYears", {
    year: Schema.Number,
    populations: Schema.Array(Schema.Number)
  })
{
  override get message() {
    return `The DataUSA population response gives ${this.year} more than one population ` +
      `(${this.populations.join(" and ")}); a national figure per year is expected — ` +
      `the query probably drills down below the nation. ${retry}`
  }
}

export class PopulationNotNational extends Schema.TaggedError<PopulationNotNational>()("PopulationNotNational", {
  /** Position of the offending row in the response's `data` array. */
  row: Schema.Number,
  field: Schema.String,
  found: Schema.String,
  expected: Schema.String
}) {
  override get message() {
    return `Row ${this.row} of the DataUSA population response is not the US national total: ` +
      `${JSON.stringify(this.field)} is ${JSON.stringify(this.found)}, expected ${this.expected}. ` +
      `The query must drill down by Year and Nation only. ${retry}`
  }
}

export type PopulationDecodeError =
  | PopulationNotJson
  | PopulationWrongShape
  | PopulationNoRows
  | PopulationConflictingYears
  | PopulationNotNational
