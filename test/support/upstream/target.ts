/**
 * What a fault or a log query points at: a file name (`"pr.series"`), a path
 * (`"/pub/time.series/pr/"`, the listing), a URL (only its path counts, so the same
 * target works under msw and on the local server), or a predicate.
 */
export type Target = string | ((url: URL) => boolean)

export const lastSegment = (url: URL): string => {
  const raw = url.pathname.slice(url.pathname.lastIndexOf("/") + 1)
  try {
    return decodeURIComponent(raw)
  } catch {
    return raw
  }
}

export const targetMatcher = (target: Target): ((url: URL) => boolean) => {
  if (typeof target === "function") return target
  if (/^https?:\/\//i.test(target)) {
    const path = new URL(target).pathname
    return (url) => url.pathname === path
  }
  if (target.startsWith("/")) return (url) => url.pathname === target
  return (url) => lastSegment(url) === target
}
