/**
 * BLS's download server and DataUSA's population API as `(Request) => Response`, answering
 * from the bundled fixtures for `quest run --offline`, with what the real servers do that
 * a mirror relies on: ETag / Last-Modified / 304, and BLS's 403 to a User-Agent that names
 * no contact. The tests' fakes (test/support/upstream) add faults, a request log and
 * changing files on top of it.
 *
 * The fixtures stay in test/fixtures: they are the real data the golden reports were
 * computed from, one copy for the tests and the demo, and they ship with the package.
 */
import { readdirSync, readFileSync } from "node:fs"
import { sha256 } from "@noble/hashes/sha2.js"
import { bytesToHex } from "@noble/hashes/utils.js"
import { DEFAULT_BLS_ROOT_URL, DEFAULT_POPULATION_URL } from "../domain/settings.ts"

const fixtures = new URL("../test/fixtures/", import.meta.url)

/** Read once per process. */
const once = <A>(load: () => A): (() => A) => {
  let value: { a: A } | undefined
  return () => (value ??= { a: load() }).a
}

export const fixtureBytes = (path: string): Uint8Array<ArrayBuffer> => new Uint8Array(readFileSync(new URL(path, fixtures)))

/** BLS's listing prints US Eastern time to the minute; `Last-Modified` is the same instant in GMT. */
const ZONE = "America/New_York"
const wallClock = new Intl.DateTimeFormat("en-US", {
  timeZone: ZONE, year: "numeric", month: "numeric", day: "numeric", hour: "numeric", minute: "2-digit", hourCycle: "h23"
})
/** The US Eastern wall clock at `date`, to the minute, as the UTC instant that reads the same. */
export const easternWallAsUtc = (date: Date): number => {
  const part = (type: Intl.DateTimeFormatPartTypes) => Number(wallClock.formatToParts(date).find((p) => p.type === type)?.value)
  return Date.UTC(part("year"), part("month") - 1, part("day"), part("hour"), part("minute"))
}

/** Parses `M/D/YYYY  H:MM AM` (US Eastern, as BLS's listing shows it) to an instant. */
export const parseListingTime = (text: string): Date => {
  const m = /^\s*(\d{1,2})\/(\d{1,2})\/(\d{4})\s+(\d{1,2}):(\d{2})\s*([AP]M)\s*$/i.exec(text)
  if (!m) throw new Error(`not a listing date (want "6/4/2026  8:30 AM"): ${JSON.stringify(text)}`)
  const [, month, day, year, hour, minute, period] = m
  const wall = Date.UTC(Number(year), Number(month) - 1, Number(day), (Number(hour) % 12) + (/pm/i.test(period!) ? 12 : 0), Number(minute))
  // The zone's offset depends on the instant itself (DST): guess, then correct once.
  const offsetAt = (t: number) => easternWallAsUtc(new Date(t)) - t
  return new Date(wall - offsetAt(wall - offsetAt(wall)))
}

export interface BlsFile {
  readonly name: string
  readonly bytes: Uint8Array<ArrayBuffer>
  readonly modified: Date
  /** Quoted, stable for the same bytes and date. */
  readonly etag: string
}

export const blsFile = (name: string, bytes: Uint8Array<ArrayBuffer>, modified: Date): BlsFile => {
  const seconds = Math.floor(modified.getTime() / 1000)
  return { name, bytes, modified, etag: `"${bytesToHex(sha256(bytes)).slice(0, 16)}:${seconds.toString(16)}"` }
}

/** The `pr` survey's files, dated as its listing shows them. */
export const blsFixtureFiles = once((): ReadonlyArray<BlsFile> => {
  const dates: Record<string, string> = JSON.parse(new TextDecoder().decode(fixtureBytes("bls/mtimes.json")))
  return readdirSync(new URL("bls/pr/", fixtures)).sort().map((name) =>
    blsFile(name, fixtureBytes(`bls/pr/${name}`), parseListingTime(dates[name] ?? "6/4/2026  8:30 AM"))
  )
})

/** BLS blocks scripts that do not say who runs them: an e-mail or a web address in the User-Agent. */
export const hasContact = (userAgent: string | null): boolean =>
  userAgent !== null && (/[^\s@<>()]+@[^\s@<>()]+\.[a-z]{2,}/i.test(userAgent) || /https?:\/\/\S+/i.test(userAgent))

export const accessDenied = (url: URL) =>
  new Response(`<HTML><HEAD><TITLE>Access Denied</TITLE></HEAD><BODY><H1>Access Denied</H1>You don't have ` +
    `permission to access "${url.href}" on this server.</BODY></HTML>\n`, { status: 403, headers: { "content-type": "text/html" } })

export const notFound = () => new Response("Not Found", { status: 404, headers: { "content-type": "text/plain" } })

/** 304 for a matching If-None-Match (which alone decides when sent) or a not-newer If-Modified-Since. */
const notModified = (file: BlsFile, request: Request): boolean => {
  const inm = request.headers.get("if-none-match")
  if (inm !== null) return inm.split(",").some((tag) => ["*", file.etag].includes(tag.trim().replace(/^W\//, "")))
  const ims = Date.parse(request.headers.get("if-modified-since") ?? "")
  return !Number.isNaN(ims) && Math.floor(file.modified.getTime() / 1000) * 1000 <= ims
}

export const serveBlsFile = (file: BlsFile, request: Request): Response => {
  const validators = { etag: file.etag, "last-modified": file.modified.toUTCString() }
  if (notModified(file, request)) return new Response(null, { status: 304, headers: validators })
  return new Response(request.method === "HEAD" ? null : file.bytes, {
    headers: { ...validators, "content-type": "text/plain", "content-length": String(file.bytes.byteLength) }
  })
}

export interface OfflineUpstream {
  /** Whether a request to this URL is the fake's to answer (its host is BLS's or DataUSA's). */
  readonly serves: (url: string) => boolean
  readonly handle: (request: Request) => Response
}

/**
 * Every survey directory under BLS's root serves the `pr` fixtures under its own names
 * (`cu/cu.series`…), so a run that mirrors several surveys works offline too.
 */
export const offlineUpstream = (): OfflineUpstream => {
  const root = new URL(DEFAULT_BLS_ROOT_URL)
  const population = new URL(DEFAULT_POPULATION_URL)
  const origins = new Set([root.origin, population.origin])
  const listing = once(() => new TextDecoder().decode(fixtureBytes("bls/pr.listing.html")))
  const handle = (request: Request): Response => {
    const url = new URL(request.url)
    if (url.origin === population.origin && url.pathname === population.pathname) {
      return new Response(fixtureBytes("datausa/nation-population.tesseract.json"), { headers: { "content-type": "application/json" } })
    }
    if (url.origin !== root.origin || !url.pathname.startsWith(root.pathname)) return notFound()
    if (!hasContact(request.headers.get("user-agent"))) return accessDenied(url)
    const [survey = "", name, ...deeper] = url.pathname.slice(root.pathname.length).split("/")
    if (!/^[a-z]{2}$/.test(survey) || name === undefined || deeper.length > 0) return notFound()
    if (name === "") {
      const page = listing().replaceAll("/pr/", `/${survey}/`).replaceAll(">pr.", `>${survey}.`)
      return new Response(page, { headers: { "content-type": "text/html" } })
    }
    const file = blsFixtureFiles().find((f) => f.name === decodeURIComponent(name).replace(new RegExp(`^${survey}\\.`), "pr."))
    return file === undefined ? notFound() : serveBlsFile(file, request)
  }
  return { serves: (url) => URL.canParse(url) && origins.has(new URL(url).origin), handle }
}
