/**
 * Every request a fake upstream answered, for tests that assert what a sync asked for
 * and how many bytes it was sent.
 */
import type { Fault } from "./faults.ts"
import { targetMatcher, type Target } from "./target.ts"

/** Which part of the fake upstream answered. */
export type Route = "bls-listing" | "bls-file" | "population" | "legacy-population" | "unknown"

export interface LoggedRequest {
  readonly method: string
  readonly url: string
  readonly route: Route
  readonly userAgent: string | null
  readonly ifNoneMatch: string | null
  readonly ifModifiedSince: string | null
  /** 0 when the client gave up before an answer (e.g. during a `delay` fault). */
  readonly status: number
  /** The fault this request consumed, if any. */
  readonly fault: Fault["kind"] | undefined
  /** Body bytes handed to the client so far (final once the client has read the body). */
  readonly bytesSent: number
}

export interface LogQuery {
  /** A file name, path or URL (see `Target`). */
  readonly path?: Target
  readonly method?: string
  readonly route?: Route
  readonly status?: number
}

export interface RequestLog {
  readonly entries: (query?: LogQuery) => ReadonlyArray<LoggedRequest>
  readonly count: (query?: LogQuery) => number
  /** Sum of `bytesSent` over the matching requests. */
  readonly bytesSent: (query?: LogQuery) => number
  readonly clear: () => void
}

export interface LogEntryWriter {
  readonly answered: (status: number) => void
  readonly sent: (bytes: number) => void
}

export interface RequestLogWriter extends RequestLog {
  /** Records a request as it arrives; the writer completes its entry as the answer goes out. */
  readonly record: (entry: Omit<LoggedRequest, "bytesSent" | "status">) => LogEntryWriter
}

export const makeRequestLog = (): RequestLogWriter => {
  let all: Array<{ -readonly [K in keyof LoggedRequest]: LoggedRequest[K] }> = []
  const entries = (query: LogQuery = {}): ReadonlyArray<LoggedRequest> => {
    const path = query.path === undefined ? () => true : targetMatcher(query.path)
    return all.filter(
      (e) =>
        path(new URL(e.url)) &&
        (query.method === undefined || e.method === query.method.toUpperCase()) &&
        (query.route === undefined || e.route === query.route) &&
        (query.status === undefined || e.status === query.status),
    )
  }
  return {
    entries,
    count: (query) => entries(query).length,
    bytesSent: (query) => entries(query).reduce((sum, e) => sum + e.bytesSent, 0),
    clear: () => void (all = []),
    record: (entry) => {
      const row = { ...entry, status: 0, bytesSent: 0 }
      all.push(row)
      return {
        answered: (status) => void (row.status = status),
        sent: (bytes) => void (row.bytesSent += bytes),
      }
    },
  }
}
