import { TransferTimeout } from "./HttpClient.ts"

/** The root of an error chain (undici hides the system error in `cause.cause`) and the deepest system code on the way. */
export const rootError = (error: unknown): { readonly message: string; readonly code: string | undefined } => {
  let current = error
  let code: string | undefined
  for (let depth = 0; depth < 6 && current instanceof Error; depth += 1) {
    const own = (current as { readonly code?: unknown }).code
    if (typeof own === "string") code = own
    if (!(current.cause instanceof Error)) break
    current = current.cause
  }
  return { message: current instanceof Error ? current.message : String(current), code }
}

/** The reason a body read failed, in the words the retry log and the final error use. */
export const bodyFailureReason = (error: unknown): string =>
  error instanceof TransferTimeout ? error.message : `connection broke mid-body (${rootError(error).message})`
