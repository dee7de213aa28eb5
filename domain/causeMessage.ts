import * as Cause from "effect/Cause"

/** The `_tag` of a typed error, as a log record's `errorTag` names it; `otherwise` for anything else. */
export const tagOf = (error: unknown, otherwise = "Defect"): string =>
  typeof error === "object" && error !== null && "_tag" in error ? String(error._tag) : otherwise

/** The one sentence a failure says: a typed error's message, or what a defect was. */
export const causeMessage = (cause: Cause.Cause<unknown>): string => {
  const error = Cause.squash(cause)
  return error instanceof Error ? error.message : String(error)
}
