/**
 * Renders a directory page the way real servers do: BLS's IIS (absolute links, one
 * `<pre>` line) or nginx autoindex (relative links, one line per file), optionally laced
 * with the links a parser must ignore.
 */
import { iisListingTime, nginxListingTime } from "./listingTime.ts"

export type ListingStyle = "iis" | "nginx"

export interface ListedFile {
  readonly name: string
  readonly size: number
  readonly modified: Date
}

export interface ListingOptions {
  /** Path of the directory, with trailing slash: `/pub/time.series/pr/`. */
  readonly path: string
  /** Shown in IIS's title. */
  readonly host: string
  readonly style: ListingStyle
  readonly hostileLinks: boolean
}

/**
 * Links that are not files directly under the directory: the parent, a sub-directory,
 * a sort link, ones that leave the directory or the host, a name with `/`, the directory
 * itself — plus, rendered separately, a duplicate of the first file.
 */
const hostileHrefs = (path: string): ReadonlyArray<{ readonly href: string; readonly text: string; readonly dir?: true }> => [
  { href: "?C=M;O=D", text: "Last modified" },
  { href: `${path}sub/`, text: "sub", dir: true },
  { href: "../x", text: "x" },
  { href: "/other/x", text: "x" },
  { href: "https://evil.example/x", text: "x" },
  { href: `${path}sub/y`, text: "sub/y" },
  { href: path, text: "." },
]

const HOSTILE_SIZE = 10
const escapeHtml = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;")
const parentOf = (path: string) => path.replace(/[^/]+\/$/, "")

const renderIis = (files: ReadonlyArray<ListedFile>, o: ListingOptions): string => {
  const row = (modified: Date, size: string, href: string, text: string) =>
    `${iisListingTime(modified)} ${size.padStart(12)} <A HREF="${escapeHtml(href)}">${escapeHtml(text)}</A><br>`
  const rows = files.map((f) => row(f.modified, String(f.size), o.path + encodeURIComponent(f.name), f.name))
  if (o.hostileLinks && files[0]) {
    const when = files[0].modified
    rows.push(...hostileHrefs(o.path).map((h) => row(when, h.dir ? "&lt;dir&gt;" : String(HOSTILE_SIZE), h.href, h.text)))
    rows.push(rows[0] ?? "")
  }
  const title = `${o.host} - ${o.path}`
  return (
    `<html><head><title>${title}</title></head><body><H1>${title}</H1><hr>\n\n` +
    `<pre><A HREF="${parentOf(o.path)}">[To Parent Directory]</A><br><br>${rows.join("")}</pre><hr></body></html>\r\n`
  )
}

const renderNginx = (files: ReadonlyArray<ListedFile>, o: ListingOptions): string => {
  const row = (modified: Date, size: string, href: string, text: string) =>
    `<a href="${escapeHtml(href)}">${escapeHtml(text)}</a>${" ".repeat(Math.max(1, 51 - text.length))}${nginxListingTime(modified)} ${size.padStart(19)}`
  const rows = files.map((f) => row(f.modified, String(f.size), encodeURIComponent(f.name), f.name))
  if (o.hostileLinks && files[0]) {
    const when = files[0].modified
    rows.push(...hostileHrefs(o.path).map((h) => row(when, h.dir ? "-" : String(HOSTILE_SIZE), h.href, h.text)))
    rows.push(rows[0] ?? "")
  }
  const title = `Index of ${o.path}`
  return [
    "<html>",
    `<head><title>${title}</title></head>`,
    "<body>",
    `<h1>${title}</h1><hr><pre><a href="../">../</a>`,
    ...rows,
    "</pre><hr></body>",
    "</html>",
    "",
  ].join("\r\n")
}

export const renderListing = (files: ReadonlyArray<ListedFile>, options: ListingOptions): string =>
  options.style === "iis" ? renderIis(files, options) : renderNginx(files, options)
