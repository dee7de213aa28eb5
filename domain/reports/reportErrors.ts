/** Why the reports could not be computed from the store (each names what to run next). */
import * as Schema from "effect/Schema"

export const MissingInput = Schema.Struct({ key: Schema.String, command: Schema.String })

export class ReportInputsMissing extends Schema.TaggedError<ReportInputsMissing>()("ReportInputsMissing", {
  location: Schema.String,
  missing: Schema.Array(MissingInput)
}) {
  override get message() {
    return `The reports need ${this.missing.map((input) => input.key).join(" and ")}, ` +
      `not found in the store ${this.location}. Run ${
        this.missing.map((input) => `\`${input.command}\``).join(" and ")
      } first, then the reports again.`
  }
}

export class StoredPopulationInvalid extends Schema.TaggedError<StoredPopulationInvalid>()("StoredPopulationInvalid", {
  key: Schema.String,
  detail: Schema.String
}) {
  override get message() {
    return `The stored ${this.key} cannot be read as a population: ${this.detail}`
  }
}

/**
 * The BLS data would make reports no one should trust: it holds no valid row, or far fewer
 * rows or series than the last stored report was computed from. Nothing is written; the
 * previous reports stay.
 */
export class ReportInputRefused extends Schema.TaggedError<ReportInputRefused>()("ReportInputRefused", {
  key: Schema.String,
  detail: Schema.String,
  hint: Schema.String
}) {
  override get message() {
    return `The reports were not computed from ${this.key}: ${this.detail}. The previous reports are kept. ${this.hint}`
  }
}
