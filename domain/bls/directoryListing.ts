/**
 * Reads a web server's directory page into the files it lists. Knows BLS's IIS format
 * (`6/4/2026  8:30 AM      1567978 <A HREF="/pub/.../pr.class">`) and the Apache and
 * nginx styles (relative links, date and size after the link or in table cells).
 * Only plain files directly under the base URL count: anything that is a directory,
 * a sort link, or leaves the directory is ignored. A directory page is a list of links,
 * not a document: its anchors and the text around them are read without an HTML parser.
 */
import * as Schema from "effect/Schema"

export interface ListingEntry {
  /** The file name, decoded (`pr.data.0.Current`). */
  readonly name: string
  readonly url: string
  /** Bytes, when the page states an exact figure. */
  readonly size: number | undefined
  /** The page's date text, whitespace-normalised; compared as text, never parsed for time zones. */
  readonly modified: string | undefined
}

export class ListingFormatError extends Schema.TaggedError<ListingFormatError>()("ListingFormatError", {
  url: Schema.String,
  detail: Schema.String
}) {
  override get message() {
    return `The directory page ${this.url} ${this.detail}. Its format may have changed; nothing in the ` +
      `store was changed. Open the page in a browser and check BLS_BASE_URL.`
  }
}

const IIS_BEFORE = /(\d{1,2}\/\d{1,2}\/\d{4}\s+\d{1,2}:\d{2}(?:\s*[AP]M)?)\s+(\d+|<dir>)\s*$/i
const AFTER = /^\s*(\d{1,4}[-/][A-Za-z0-9]{1,3}[-/]\d{1,4}\s+\d{1,2}:\d{2}(?::\d{2})?)\s+(\S+)/

const normalise = (text: string) => text.replace(/\s+/g, " ").trim()
const exactSize = (text: string | undefined) => (text !== undefined && /^\d+$/.test(text) ? Number(text) : undefined)

const ENTITIES: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: "\"", apos: "'", nbsp: " " }
const decodeEntities = (html: string) =>
  html.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (entity, name: string) => {
    if (name[0] !== "#") return ENTITIES[name.toLowerCase()] ?? entity
    const code = /x/i.test(name[1]!) ? parseInt(name.slice(2), 16) : Number(name.slice(1))
    return code <= 0x10ffff ? String.fromCodePoint(code) : entity
  })
/** A stretch of the page as text: tags (`<br>`, table cells) become spaces. */
const textOf = (html: string) => decodeEntities(html.replace(/<[^>]*>/g, " "))

/** What the page says of a file, from the text before its link (IIS) or after it (nginx, Apache's table). */
const factsOf = (before: string, after: string) => {
  const iis = IIS_BEFORE.exec(textOf(before))
  if (iis !== null) return { modified: normalise(iis[1]!), size: exactSize(iis[2]), isDirectory: /dir/i.test(iis[2]!) }
  const other = AFTER.exec(textOf(after))
  if (other !== null) return { modified: normalise(other[1]!), size: exactSize(other[2]), isDirectory: false }
  return { modified: undefined, size: undefined, isDirectory: false }
}

const ANCHOR = /<a\s[^>]*?\bhref\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))[^>]*>[\s\S]*?<\/a\s*>/gi

/** The file name an href points to, when it is a plain file directly under `base`. */
const fileNameUnder = (href: string, base: URL): { name: string; url: string } | undefined => {
  let target: URL
  try {
    target = new URL(href, base)
  } catch {
    return undefined
  }
  if (target.origin !== base.origin || target.search !== "" || href.startsWith("?")) return undefined
  if (!target.pathname.startsWith(base.pathname)) return undefined
  const rest = target.pathname.slice(base.pathname.length)
  if (rest === "" || rest.includes("/")) return undefined
  let name: string
  try {
    name = decodeURIComponent(rest)
  } catch {
    return undefined
  }
  if (name === "." || name === ".." || name.includes("/") || name.includes("\\")) return undefined
  target.hash = ""
  return { name, url: target.href }
}

/**
 * The files listed on `html`, the page served at `baseUrl`, in page order, each once.
 * Fails with ListingFormatError when none is found: an empty result must never be
 * read as "upstream deleted everything".
 */
export const parseDirectoryListing = (html: string, baseUrl: string): Array<ListingEntry> => {
  const base = new URL(baseUrl.endsWith("/") ? baseUrl : `${baseUrl}/`)
  const anchors = [...html.matchAll(ANCHOR)]
  const seen = new Set<string>()
  const entries: Array<ListingEntry> = []
  anchors.forEach((anchor, i) => {
    const file = fileNameUnder(decodeEntities(anchor[1] ?? anchor[2] ?? anchor[3] ?? ""), base)
    if (file === undefined || seen.has(file.name)) return
    const previousEnd = i === 0 ? 0 : anchors[i - 1]!.index + anchors[i - 1]![0].length
    const end = anchor.index + anchor[0].length
    const facts = factsOf(html.slice(previousEnd, anchor.index), html.slice(end, anchors[i + 1]?.index ?? html.length))
    if (facts.isDirectory) return
    seen.add(file.name)
    entries.push({ ...file, size: facts.size, modified: facts.modified })
  })
  return entries
}

export const requireFiles = (entries: ReadonlyArray<ListingEntry>, url: string) =>
  entries.length > 0
    ? undefined
    : new ListingFormatError({ url, detail: "lists no files" })
