/** Why a BLS time-series file could not be read at all (single bad lines are only counted). */
import * as Schema from "effect/Schema"

export class BlsHeaderInvalid extends Schema.TaggedError<BlsHeaderInvalid>()("BlsHeaderInvalid", {
  /** The header names found, trimmed; empty when the file has no non-blank line. */
  found: Schema.Array(Schema.String),
  missing: Schema.Array(Schema.String)
}) {
  override get message() {
    return this.found.length === 0
      ? `The BLS data file is empty: no header line. Run \`quest sync\` again to fetch a complete copy.`
      : `The BLS data file's header (${this.found.join(", ")}) lacks ${this.missing.join(", ")}; ` +
        `a tab-separated BLS time-series file starts with series_id, year, period, value. ` +
        `Check that the mirrored file is a BLS time-series data file, or run \`quest sync\` again.`
  }
}

export class BlsStreamFailed extends Schema.TaggedError<BlsStreamFailed>()("BlsStreamFailed", {
  detail: Schema.String,
  cause: Schema.optional(Schema.Defect())
}) {
  override get message() {
    return `Reading the BLS data file failed midway: ${this.detail}. Run the reports again; ` +
      `if it keeps failing, check that the store is reachable.`
  }
}

export type BlsReadError = BlsHeaderInvalid | BlsStreamFailed
