/**
 * Faults on demand: what a loaded or flaky server does to a request, queued per target
 * and consumed one per matching request, in order.
 */
import { targetMatcher, type Target } from "./target.ts"

export type Fault =
  /** Answer with this status (and a short HTML body) instead of the real response. */
  | { readonly kind: "status"; readonly status: number; readonly retryAfter?: number }
  /** Send the real headers and the first `afterBytes` body bytes, then reset the connection. */
  | { readonly kind: "dropMidBody"; readonly afterBytes: number }
  /**
   * Send the real headers (the full Content-Length) but only `bytes` body bytes, then close
   * the connection cleanly. fetch (undici) still reports this as an error while reading the
   * body ("terminated"), as it does for a reset: HTTP/1.1 cannot end a body early otherwise.
   */
  | { readonly kind: "shortBody"; readonly bytes: number }
  /** Wait `ms` before answering normally (aborted with the request). */
  | { readonly kind: "delay"; readonly ms: number }
  /** Send the real headers and the first `afterBytes` body bytes, then nothing more, never closing. */
  | { readonly kind: "stall"; readonly afterBytes: number }
  /** Send the body in pieces of `bytes` every `everyMs`: never idle long, yet slow to finish. */
  | { readonly kind: "trickle"; readonly bytes: number; readonly everyMs: number }
  /**
   * Announce this Content-Length instead of the real one. Smaller: only that many bytes are
   * sent, as a client that trusts the header would read them (the rest of the copy is lost).
   * Larger: the real bytes are sent and the connection closes, short of the announced length.
   */
  | { readonly kind: "contentLength"; readonly bytes: number }
  /** Answer `status` (default 302) with this Location instead of the real response. */
  | { readonly kind: "redirect"; readonly location: string; readonly status: number }
  /** The real response with these headers added or replaced (e.g. an ETag no metadata can hold). */
  | { readonly kind: "headers"; readonly headers: Readonly<Record<string, string>> }

export const status = (code: number, options: { readonly retryAfter?: number } = {}): Fault =>
  options.retryAfter === undefined
    ? { kind: "status", status: code }
    : { kind: "status", status: code, retryAfter: options.retryAfter }
export const dropMidBody = (afterBytes: number): Fault => ({ kind: "dropMidBody", afterBytes })
export const shortBody = (bytes: number): Fault => ({ kind: "shortBody", bytes })
export const delay = (ms: number): Fault => ({ kind: "delay", ms })
export const stall = (afterBytes: number): Fault => ({ kind: "stall", afterBytes })
export const trickle = (bytes: number, everyMs: number): Fault => ({ kind: "trickle", bytes, everyMs })
export const contentLength = (bytes: number): Fault => ({ kind: "contentLength", bytes })
export const redirect = (location: string, code = 302): Fault => ({ kind: "redirect", location, status: code })
export const headers = (values: Readonly<Record<string, string>>): Fault => ({ kind: "headers", headers: values })

export interface FaultQueue {
  readonly add: (target: Target, faults: ReadonlyArray<Fault>) => void
  /** The next fault queued for this URL, removed from its queue. */
  readonly take: (url: URL) => Fault | undefined
  readonly clear: () => void
}

export const makeFaultQueue = (): FaultQueue => {
  let queues: Array<{ readonly matches: (url: URL) => boolean; readonly faults: Fault[] }> = []
  return {
    add: (target, faults) => void queues.push({ matches: targetMatcher(target), faults: [...faults] }),
    take: (url) => queues.find((q) => q.faults.length > 0 && q.matches(url))?.faults.shift(),
    clear: () => void (queues = []),
  }
}
