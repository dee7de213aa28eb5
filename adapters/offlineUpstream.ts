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

// Found from here or from the CLI's bundle, dist/quest.mjs: adapters/ and dist/ are both one folder below the root.
const fixtures = new URL("../test/fixtures/", import.meta.url)

export const fixtureBytes = (path: string): Uint8Array<ArrayBuffer> => new Uint8Array(readFileSync(new URL(path, fixtures)))

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

let fixtureFiles: ReadonlyArray<BlsFile> | undefined
/** The `pr` survey's files, dated as its listing shows them (read once per process). */
export const blsFixtureFiles = (): ReadonlyArray<BlsFile> => {
  if (fixtureFiles !== undefined) return fixtureFiles
  const dates: Record<string, string> = JSON.parse(new TextDecoder().decode(fixtureBytes("bls/mtimes.json")))
  return fixtureFiles = readdirSync(new URL("bls/pr/", fixtures)).sort().map((name) =>
    blsFile(name, fixtureBytes(`bls/pr/${name}`), new Date(dates[name] ?? "2026-06-04T12:30:00Z"))
  )
}

/** BLS blocks scripts that do not say who runs them: an e-mail or a web address in the User-Agent. */
export const hasContact = (userAgent: string | null): boolean =>
  userAgent !== null && (/[^\s@<>()]+@[^\s@<>()]+\.[a-z]{2,}/i.test(userAgent) || /https?:\/\/\S+/i.test(userAgent))

export const accessDenied = (url: URL) =>
  new Response(`<HTML><HEAD><TITLE>Access Denied</TITLE></HEAD><BODY><H1>Access Denied</H1>You don't have ` +
    `permission to access "${url.href}" on this server.</BODY></HTML>\n`, { status: 403, headers: { "content-type": "text/html" } })

const notFound = () => new Response("Not Found", { status: 404, headers: { "content-type": "text/plain" } })

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

/**
 * Every survey directory under BLS's root serves the `pr` fixtures under its own names
 * (`cu/cu.series`…), so a run that mirrors several surveys works offline too.
 */
export const offlineUpstream = () => {
  const root = new URL(DEFAULT_BLS_ROOT_URL)
  const population = new URL(DEFAULT_POPULATION_URL)
  const listing = new TextDecoder().decode(fixtureBytes("bls/pr.listing.html"))
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
      const page = listing.replaceAll("/pr/", `/${survey}/`).replaceAll(">pr.", `>${survey}.`)
      return new Response(page, { headers: { "content-type": "text/html" } })
    }
    const file = blsFixtureFiles().find((f) => f.name === decodeURIComponent(name).replace(new RegExp(`^${survey}\\.`), "pr."))
    return file === undefined ? notFound() : serveBlsFile(file, request)
  }
  /** Whether a request to this URL is the fake's to answer (its host is BLS's or DataUSA's). */
  const serves = (url: string) => URL.canParse(url) && [root.origin, population.origin].includes(new URL(url).origin)
  return { serves, handle }
}
