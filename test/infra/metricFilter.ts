/**
 * CloudWatch Logs' JSON metric filter patterns, the part the stack uses:
 * `{ $.a.b = "text" }` and `{ $.a.b = * }` (the field is present), terms joined with `&&`. Enough to check that the pattern the stack
 * declares matches the log line a handler really writes, and no other.
 */
const TERM = /^\$\.([\w.]+)\s*=\s*(?:"([^"]*)"|(\*))$/

export const metricFilterMatches = (pattern: string, logEvent: unknown): boolean => {
  const body = /^\{\s*(.*?)\s*\}$/.exec(pattern.trim())?.[1]
  if (body === undefined) throw new Error(`not a JSON metric filter pattern: ${pattern}`)
  return body.split("&&").every((term) => {
    const parsed = TERM.exec(term.trim())
    if (parsed === null) throw new Error(`a term this evaluator does not know: ${term}`)
    const [, path = "", value, any] = parsed
    const found = path.split(".").reduce<unknown>(
      (node, field) => (typeof node === "object" && node !== null ? (node as Record<string, unknown>)[field] : undefined),
      logEvent
    )
    return any === undefined ? found === value : found !== undefined
  })
}
