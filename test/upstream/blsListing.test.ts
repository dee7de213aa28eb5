import { parseHTML } from "linkedom"
import { describe, expect, it } from "vitest"
import { blsListingFixture } from "../support/upstream/fixtureData.ts"
import { createUpstream } from "../support/upstream/virtualUpstream.ts"
import { CONTACT_UA } from "./readBody.ts"

const BASE = "https://download.bls.gov/pub/time.series/pr/"

const listing = async (upstream = createUpstream()) => {
  const response = await upstream.handle(new Request(BASE, { headers: { "user-agent": CONTACT_UA } }))
  expect(response.status).toBe(200)
  return response.text()
}

// linkedom keeps attribute names as written, and IIS writes `HREF`.
const hrefs = (html: string) =>
  [...parseHTML(html).document.querySelectorAll("a")].map(
    (a) => [...a.attributes].find((attr) => attr.name.toLowerCase() === "href")?.value ?? "",
  )

describe("the fake BLS listing", () => {
  it("renders the fixture files exactly as BLS's IIS page", async () => {
    expect(await listing()).toBe(blsListingFixture())
  })

  it("shows added, changed and removed files with their size and Eastern-time date", async () => {
    const upstream = createUpstream()
    upstream.bls.put("pr.new", "hello\n", "12/25/2026  1:05 PM")
    upstream.bls.put("pr.class", "x".repeat(1234), new Date("2026-07-01T04:00:00Z"))
    upstream.bls.remove("pr.txt")
    const page = await listing(upstream)
    expect(page).toContain(`12/25/2026  1:05 PM            6 <A HREF="/pub/time.series/pr/pr.new">pr.new</A>`)
    expect(page).toContain(`  7/1/2026 12:00 AM         1234 <A HREF="/pub/time.series/pr/pr.class">pr.class</A>`)
    expect(page).not.toContain("pr.txt")
  })

  it("dates a change without an explicit date after every file present", async () => {
    const upstream = createUpstream()
    const newest = Math.max(...upstream.bls.files().map((f) => f.modified.getTime()))
    const changed = upstream.bls.touch("pr.series")
    expect(changed.modified.getTime()).toBeGreaterThan(newest)
    expect(changed.bytes).toBe(createUpstream().bls.file("pr.series")?.bytes)
  })

  it("lists nothing when every file is gone, and serves a drifted page on request", async () => {
    const upstream = createUpstream()
    for (const f of upstream.bls.files()) upstream.bls.remove(f.name)
    expect(hrefs(await listing(upstream))).toEqual(["/pub/time.series/"])
    upstream.bls.setListing({ html: "<html><body>maintenance</body></html>" })
    expect(await listing(upstream)).toBe("<html><body>maintenance</body></html>")
  })

  it("renders nginx-style pages with relative links to the same files", async () => {
    const upstream = createUpstream()
    upstream.bls.setListing({ style: "nginx" })
    const page = await listing(upstream)
    expect(hrefs(page)).toEqual(["../", ...upstream.bls.files().map((f) => f.name)])
    expect(page).toContain(`<a href="pr.data.0.Current">pr.data.0.Current</a>`)
    expect(page).toMatch(/04-Jun-2026 12:30 +1567978\r\n/)
  })

  it.each(["iis", "nginx"] as const)("adds the links a parser must ignore (%s)", async (style) => {
    const upstream = createUpstream()
    upstream.bls.setListing({ style, hostileLinks: true })
    const links = hrefs(await listing(upstream))
    for (const hostile of ["?C=M;O=D", `${new URL(BASE).pathname}sub/`, "../x", "/other/x", "https://evil.example/x", "/pub/time.series/pr/sub/y"]) {
      expect(links).toContain(hostile)
    }
    const firstFile = links.find((l) => l.endsWith("pr.class"))
    expect(links.filter((l) => l === firstFile)).toHaveLength(2)
  })

  it("keeps absolute links under a custom base URL", async () => {
    const upstream = createUpstream({ blsBaseUrl: "https://mirror.example/data/pr/" })
    const response = await upstream.handle(
      new Request("https://mirror.example/data/pr/", { headers: { "user-agent": CONTACT_UA } }),
    )
    expect(hrefs(await response.text())).toContain("/data/pr/pr.series")
  })
})
