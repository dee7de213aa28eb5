/** The short line a run without network ends with: it offers --offline, and names no setting the user left alone. */
import { describe, expect, it } from "vitest"
import { unreachableText } from "../../cli/unreachable.ts"
import { SourceUnavailable, SourceUnreachable } from "../../domain/http/sourceErrors.ts"
import { DEFAULT_BLS_BASE_URL } from "../../domain/settingSpecs.ts"

const nothingSet = { flagged: {}, isSet: () => false }

describe("an unreachable upstream", () => {
  it("with no URL setting given, says to check the network or go offline, naming no variable", () => {
    const dns = new SourceUnreachable({ url: DEFAULT_BLS_BASE_URL, what: "the host name is not known (DNS)", detail: "getaddrinfo ENOTFOUND" })
    expect(dns.message).toContain("BLS_BASE_URL") // what the domain says, for a log that names no command
    expect(unreachableText("run", `BLS sync: ${dns.message}`, nothingSet)).toBe(
      "could not reach download.bls.gov. Check the network, or run it on the bundled data, with no network: quest run --offline."
    )
  })

  it("is not claimed for a server that answered, busy or not", () => {
    const busy = new SourceUnavailable({ url: DEFAULT_BLS_BASE_URL, attempts: 6, lastReason: "HTTP 503" })
    expect(unreachableText("sync", busy.message, nothingSet)).toBeUndefined()
  })
})
