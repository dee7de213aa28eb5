import { readFileSync } from "node:fs"
import { describe, expect, it } from "vitest"
import { parseDirectoryListing, requireFiles } from "../../domain/bls/directoryListing.ts"

const BASE = "https://download.bls.gov/pub/time.series/pr/"
const fixture = (path: string) => new URL(`../fixtures/${path}`, import.meta.url)

describe("the BLS directory page (IIS)", () => {
  const entries = parseDirectoryListing(readFileSync(fixture("bls/pr.listing.html"), "utf8"), BASE)

  it("lists every file with its exact size and date, and not the parent link", () => {
    const names = readFileSync(fixture("bls/pr.listing.html"), "utf8").match(/>pr\.[^<]+</g)!.map((m) => m.slice(1, -1))
    expect(entries.map((e) => e.name)).toEqual(names)
    for (const entry of entries) {
      expect(entry.size).toBe(readFileSync(fixture(`bls/pr/${entry.name}`)).byteLength)
      expect(entry.url).toBe(`${BASE}${entry.name}`)
    }
    expect(entries.find((e) => e.name === "pr.contacts")?.modified).toBe("9/13/2022 4:52 PM")
  })

  it("skips IIS <dir> entries", () => {
    const page = `<pre><br> 6/4/2026  8:30 AM        &lt;dir&gt; <A HREF="/pub/time.series/pr/old">old</A><br> 6/4/2026  8:30 AM   12 <A HREF="/pub/time.series/pr/a.txt">a.txt</A></pre>`
    expect(parseDirectoryListing(page, BASE).map((e) => e.name)).toEqual(["a.txt"])
  })
})

describe("Apache and nginx pages", () => {
  it("reads relative links with the date and size that follow them", () => {
    const page = `<html><body><h1>Index of /pr/</h1><pre><a href="../">../</a>
<a href="pr.class">pr.class</a>                 04-Jun-2026 08:30                  62
<a href="pr%20notes.txt">pr notes.txt</a>       05-Jun-2026 09:15                1234
</pre></body></html>`
    expect(parseDirectoryListing(page, BASE)).toEqual([
      { name: "pr.class", url: `${BASE}pr.class`, size: 62, modified: "04-Jun-2026 08:30" },
      { name: "pr notes.txt", url: `${BASE}pr%20notes.txt`, size: 1234, modified: "05-Jun-2026 09:15" }
    ])
  })

  it("reads Apache's table layout and leaves human-readable sizes unknown", () => {
    const page = `<table><tr><th><a href="?C=N;O=D">Name</a></th></tr>
<tr><td><a href="/pub/time.series/">Parent Directory</a></td><td>&nbsp;</td><td>-</td></tr>
<tr><td><a href="pr.data.0.Current">pr.data.0.Current</a></td><td>2026-06-04 08:30</td><td>1.5M</td></tr></table>`
    expect(parseDirectoryListing(page, BASE)).toEqual([
      { name: "pr.data.0.Current", url: `${BASE}pr.data.0.Current`, size: undefined, modified: "2026-06-04 08:30" }
    ])
  })

  it("ignores every link that is not a plain file directly under the directory", () => {
    const hostile = [
      "../", "../x", "/other/x", "https://evil.example/pub/time.series/pr/x", "//evil.example/x", "sub/", "sub/y",
      "?C=M;O=D", "pr.class?download=1", "/pub/time.series/pr/", "%2e%2e", "a%2Fb", "mailto:x@example.com"
    ].map((href) => `<a href="${href}">x</a>`).join("\n")
    const page = `<pre>${hostile}\n<a href="pr.class">pr.class</a> 04-Jun-2026 08:30 62\n<a href="pr.class">dup</a></pre>`
    expect(parseDirectoryListing(page, BASE).map((e) => e.name)).toEqual(["pr.class"])
  })
})

describe("a page that lists nothing", () => {
  it("is an error that says the format may have changed", () => {
    const entries = parseDirectoryListing("<html><body>Maintenance</body></html>", BASE)
    const error = requireFiles(entries, BASE)
    expect(error?._tag).toBe("ListingFormatError")
    expect(error?.message).toMatch(/lists no files.*format may have changed.*nothing in the store was changed/)
  })
})
