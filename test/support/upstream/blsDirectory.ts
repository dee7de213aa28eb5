/**
 * A fake of BLS's download server for one directory: files tests can add, change and
 * remove; the listing page; file downloads with ETag / Last-Modified / 304; and BLS's
 * 403 for a User-Agent that does not say who is calling.
 */
import { accessDenied, blsFile, type BlsFile, hasContact, serveBlsFile } from "../../../adapters/offlineUpstream.ts"
import { DEFAULT_BLS_BASE_URL } from "../../../domain/settings.ts"
import { chunkedStream } from "./bodyStreams.ts"
import { renderListing, type ListingStyle } from "./directoryListing.ts"
import { blsFixtureFiles } from "./fixtureData.ts"
import { parseListingTime } from "./listingTime.ts"
import { lastSegment } from "./target.ts"

export { type BlsFile, DEFAULT_BLS_BASE_URL, hasContact }

/** A date as a `Date` or as BLS's listing prints it (`"6/4/2026  8:30 AM"`, US Eastern). */
export type FileDate = Date | string

export interface ListingSettings {
  /** `"iis"` (BLS, the default) or `"nginx"` (relative links). */
  readonly style?: ListingStyle
  /** Add links a parser must ignore: parent, `sub/`, `?C=M;O=D`, `../x`, `/other/x`, another host, `sub/y`, a duplicate. */
  readonly hostileLinks?: boolean
  /** Serve this page instead of rendering one (a drifted format); `undefined` renders again. */
  readonly html?: string | undefined
}

export interface BlsDirectory {
  readonly baseUrl: string
  /** The files, sorted by name, as the listing shows them. */
  readonly files: () => ReadonlyArray<BlsFile>
  readonly file: (name: string) => BlsFile | undefined
  /** Adds or replaces a file. `modified` defaults to one day after the newest date present. */
  readonly put: (name: string, content: Uint8Array<ArrayBuffer> | string, modified?: FileDate) => BlsFile
  /** Gives a file a new date (default: one day after the newest date present), same bytes. */
  readonly touch: (name: string, modified?: FileDate) => BlsFile
  readonly remove: (name: string) => void
  readonly setListing: (settings: ListingSettings) => void
  /** Back to the fixture files and the plain IIS listing. */
  readonly reset: () => void
}

export interface BlsDirectoryServer extends BlsDirectory {
  /** Whether this URL's path is in the directory (the host is the caller's business). */
  readonly owns: (url: URL) => boolean
  readonly isListing: (url: URL) => boolean
  readonly respond: (request: Request) => Response
}

const toDate = (d: FileDate): Date => (typeof d === "string" ? parseListingTime(d) : d)

// Built once per process and survey: hashing 4.7 MB for every test would add up.
const fixtureFiles = new Map<string, ReadonlyArray<BlsFile>>()
/**
 * The real `pr` fixtures, as they are for `pr`; for another survey the same bytes under
 * that survey's names (`cu.series`, `cu.data.0.Current`…), so a second directory is
 * real BLS data too.
 */
const initialFiles = (survey: string) => {
  let files = fixtureFiles.get(survey)
  if (files === undefined) {
    files = blsFixtureFiles().map((f) => blsFile(f.name.replace(/^pr\./, `${survey}.`), f.bytes, f.modified))
    fixtureFiles.set(survey, files)
  }
  return files
}

const html = (status: number, body: string, headers: Record<string, string> = {}) =>
  new Response(body, { status, headers: { "content-type": "text/html", ...headers } })

const notFound = () =>
  html(404, "<!DOCTYPE html><html><head><title>404 - File or directory not found.</title></head><body><h2>404 - File or directory not found.</h2></body></html>")

/** The product's answer, its body sent in chunks as a network delivers it. */
const serveFile = (file: BlsFile, request: Request): Response => {
  const response = serveBlsFile(file, request)
  return response.body === null ? response : new Response(chunkedStream(file.bytes), response)
}

/** A directory of BLS files; its survey (the files' prefix) is the directory's name: `…/cu/` holds `cu.*`. */
export const makeBlsDirectory = (baseUrl: string = DEFAULT_BLS_BASE_URL): BlsDirectoryServer => {
  const basePath = new URL(baseUrl).pathname.replace(/\/?$/, "/")
  const survey = /([^/]+)\/$/.exec(basePath)?.[1] ?? "pr"
  const baseHost = new URL(baseUrl).host
  let files = new Map<string, BlsFile>()
  let listing: { style: ListingStyle; hostileLinks: boolean; html: string | undefined } = { style: "iis", hostileLinks: false, html: undefined }

  const sorted = () => [...files.values()].sort((a, b) => (a.name.toLowerCase() < b.name.toLowerCase() ? -1 : 1))
  const nextDate = () => {
    const newest = Math.max(...[...files.values()].map((f) => f.modified.getTime()), parseListingTime("6/4/2026 8:30 AM").getTime())
    return new Date(newest + 24 * 3600 * 1000)
  }
  const existing = (name: string) => {
    const file = files.get(name)
    if (!file) throw new Error(`fake BLS directory has no file ${JSON.stringify(name)}`)
    return file
  }
  const put = (name: string, content: Uint8Array<ArrayBuffer> | string, modified?: FileDate) => {
    if (name === "" || name.includes("/")) throw new Error(`not a file name: ${JSON.stringify(name)}`)
    const bytes = typeof content === "string" ? new TextEncoder().encode(content) : content
    const file = blsFile(name, bytes, modified === undefined ? nextDate() : toDate(modified))
    files.set(name, file)
    return file
  }
  const reset = () => {
    files = new Map(initialFiles(survey).map((f) => [f.name, f]))
    listing = { style: "iis", hostileLinks: false, html: undefined }
  }
  reset()

  const renderPage = () =>
    listing.html ??
    renderListing(sorted().map((f) => ({ name: f.name, size: f.bytes.byteLength, modified: f.modified })), {
      path: basePath,
      // The configured host, not the request's: the page is the same bytes behind msw and on the local server.
      host: baseHost,
      style: listing.style,
      hostileLinks: listing.hostileLinks,
    })

  const respond = (request: Request): Response => {
    const url = new URL(request.url)
    if (!hasContact(request.headers.get("user-agent"))) return accessDenied(url)
    if (request.method !== "GET" && request.method !== "HEAD") return html(405, "<html><body>Method not allowed</body></html>", { allow: "GET, HEAD" })
    if (url.pathname === basePath.slice(0, -1)) return html(301, "", { location: basePath })
    if (url.pathname === basePath) {
      const page = new TextEncoder().encode(renderPage())
      return new Response(request.method === "HEAD" ? null : page, {
        headers: { "content-type": "text/html", "content-length": String(page.byteLength) },
      })
    }
    const rest = url.pathname.slice(basePath.length)
    const file = rest.includes("/") ? undefined : files.get(lastSegment(url))
    return file ? serveFile(file, request) : notFound()
  }

  return {
    baseUrl,
    files: sorted,
    file: (name) => files.get(name),
    put,
    touch: (name, modified) => put(name, existing(name).bytes, modified),
    remove: (name) => void (existing(name) && files.delete(name)),
    setListing: (settings) => void (listing = { ...listing, ...settings }),
    reset,
    owns: (url) => url.pathname === basePath.slice(0, -1) || url.pathname.startsWith(basePath),
    isListing: (url) => url.pathname === basePath,
    respond,
  }
}
