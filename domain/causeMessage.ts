import * as Cause from "effect/Cause"

/** The one sentence a failure says: a typed error's message, or what a defect was. */
export const causeMessage = (cause: Cause.Cause<unknown>): string => {
  const error = Cause.squash(cause)
  return error instanceof Error ? error.message : String(error)
}
