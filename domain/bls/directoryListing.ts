/**
 * Reads a web server's directory page into the files it lists: BLS's IIS format
 * (`6/4/2026  8:30 AM      1567978 <A HREF="/pub/.../pr.class">`), Apache's and nginx's
 * (date and size after the link or in table cells). Only plain files directly under the
 * base URL count: directories, sort links and links that leave the directory do not.
 */
import * as Schema from "effect/Schema"
import { parseHTML } from "linkedom"

export interface ListingEntry {
  /** The file name, decoded (`pr.data.0.Current`). */
  readonly name: string
  readonly url: string
  /** Bytes, when the page states an exact figure. */
  readonly size: number | undefined
  /** The page's date text, whitespace-normalised: compared as text, never parsed. */
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

const TEXT_NODE = 3

/** The run of text nodes beside `anchor` (linkedom splits text at entities: `&lt;dir&gt;` is three nodes). */
const textBeside = (anchor: Element, step: "previousSibling" | "nextSibling"): string => {
  const texts: Array<string> = []
  for (let node = anchor[step]; node !== null && node.nodeType === TEXT_NODE; node = node[step]) texts.push(node.textContent ?? "")
  return (step === "previousSibling" ? texts.reverse() : texts).join("")
}

const textAfter = (anchor: Element): string => {
  const text = textBeside(anchor, "nextSibling")
  // Apache's table style: <td><a/></td><td>date</td><td>size</td>
  const cells: Array<string> = []
  for (let cell = anchor.closest("td")?.nextElementSibling; text === "" && cell; cell = cell.nextElementSibling) cells.push(cell.textContent ?? "")
  return text || cells.join("  ")
}

const factsOf = (anchor: Element): { modified?: string | undefined; size?: number | undefined; isDirectory?: boolean } => {
  const before = IIS_BEFORE.exec(textBeside(anchor, "previousSibling"))
  if (before !== null) {
    return { modified: normalise(before[1]!), size: exactSize(before[2]), isDirectory: /dir/i.test(before[2]!) }
  }
  const after = AFTER.exec(textAfter(anchor))
  return after === null ? {} : { modified: normalise(after[1]!), size: exactSize(after[2]) }
}

// linkedom keeps attribute names as written when the page has no doctype (IIS writes HREF).
const hrefOf = (anchor: Element): string | undefined =>
  Array.from(anchor.attributes).find((attribute) => attribute.name.toLowerCase() === "href")?.value

/** The file name an href points to, when it is a plain file directly under `base`. */
const fileNameUnder = (href: string, base: URL): { name: string; url: string } | undefined => {
  if (!URL.canParse(href, base)) return undefined
  const target = new URL(href, base)
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
  const { document } = parseHTML(html)
  const seen = new Set<string>()
  const entries: Array<ListingEntry> = []
  for (const anchor of Array.from(document.querySelectorAll("a"))) {
    const href = hrefOf(anchor)
    const file = href === undefined ? undefined : fileNameUnder(href, base)
    if (file === undefined || seen.has(file.name)) continue
    const facts = factsOf(anchor)
    if (facts.isDirectory) continue
    seen.add(file.name)
    entries.push({ ...file, size: facts.size, modified: facts.modified })
  }
  return entries
}

export const requireFiles = (entries: ReadonlyArray<ListingEntry>, url: string) =>
  entries.length > 0
    ? undefined
    : new ListingFormatError({ url, detail: "lists no files" })
