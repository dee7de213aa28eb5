/** Bytes from upstream that reach a message are escaped and cut: a terminal never prints raw control bytes. */
import { describe, expect, it } from "vitest"
import { defaultSyncOptions, syncMirror } from "../../domain/bls/syncMirror.ts"
import { SourceUnavailable } from "../../domain/http/sourceErrors.ts"
import { printable } from "../../domain/printable.ts"
import { makeMemoryStore } from "../support/memoryStore.ts"
import { failureOf, runWith } from "../support/pipelineLayer.ts"
import { useUpstream } from "../support/upstream/vitest.ts"

const upstream = useUpstream()
const CONTROL = /[\u0000-\u0008\u000a-\u001f\u007f-\u009f]/

describe("upstream text in a message", () => {
  it("has its control characters (C0, C1 such as CSI, DEL, bidi overrides) escaped", () => {
    expect(printable("a\u001b[2Jb\u009b31m\u007f\u202etxt.exe")).toBe("a\\x1b[2Jb\\x9b31m\\x7f\\u202etxt.exe")
    expect(printable("Größe – ok")).toBe("Größe – ok")
  })

  it("is cut to a bounded length that says how long it was", () => {
    expect(printable("x".repeat(5_000))).toBe(`${"x".repeat(200)}… (5000 chars)`)
  })

  it("never carries a garbage reason's raw bytes into the final error", () => {
    const error = new SourceUnavailable({ url: "https://x/", attempts: 2, lastReason: "bad header \u009b2J\u0007" })
    expect(error.message).not.toMatch(CONTROL)
    expect(error.message).toContain("bad header \\x9b2J\\x07")
  })

  it("prints a listed file name holding terminal escapes as escapes", async () => {
    const page = upstream.bls.files().map((f) => `<A HREF="/pub/time.series/pr/${encodeURIComponent(f.name)}">${f.name}</A>`)
    upstream.bls.setListing({
      html: `<html><body><pre>${page.join("<br>")}<br><A HREF="/pub/time.series/pr/pr.%1B%5B2Jgone%07">x</A></pre></body></html>`
    })
    const error = failureOf(await runWith(syncMirror({ ...defaultSyncOptions, baseUrl: upstream.bls.baseUrl }), makeMemoryStore()))
    expect(error.message).toContain("First: pr.\\x1b[2Jgone\\x07: ")
    expect(error.message).not.toMatch(CONTROL)
  })
})
