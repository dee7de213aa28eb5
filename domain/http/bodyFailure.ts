/** The reason a body read failed, in the words the retry log and the final error use. */
import { TransferTimeout } from "./HttpClient.ts"

/** The deepest message of an error chain: undici hides the system error in `cause.cause`. */
const rootMessage = (error: unknown): string => {
  let current = error
  for (let depth = 0; depth < 5 && current instanceof Error && current.cause instanceof Error; depth += 1) {
    current = current.cause
  }
  return current instanceof Error ? current.message : String(current)
}

export const bodyFailureReason = (error: unknown): string =>
  error instanceof TransferTimeout ? error.message : `connection broke mid-body (${rootMessage(error)})`
