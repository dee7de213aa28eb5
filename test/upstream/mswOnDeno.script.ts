/**
 * Run by mswOnDeno.test.ts under Deno: the msw front end as the CLI's `--offline` uses
 * it there. Prints one JSON line of what a caller saw.
 */
import { ofetch } from "ofetch"
import { startFixtureServer } from "../support/fixtureServer.ts"
import { dropMidBody, shortBody } from "../support/upstream/faults.ts"
import { startMswUpstream } from "../support/upstream/msw.ts"
import { readBody } from "./readBody.ts"

const headers = { "user-agent": "quest-tests/1.0 (tests@example.com)" }
const { upstream, close } = startMswUpstream()
const local = await startFixtureServer()
const base = upstream.bls.baseUrl
const failure = (error: unknown) => (error === undefined ? null : String(error))
try {
  const listing = await (await fetch(base, { headers })).text()
  upstream.failNext("pr.data.0.Current", [dropMidBody(100_000), shortBody(1_000)])
  const dropped = await readBody((await fetch(base + "pr.data.0.Current", { headers })).body)
  const short = await readBody((await ofetch.raw(base + "pr.data.0.Current", { headers, responseType: "stream" }))._data ?? null)
  // Refused with a status the source client does not retry, the reason in its status text.
  const unhandled = await fetch("https://example.com/").then((r) => `${r.status} ${r.statusText}`, String)
  const loopback = (await fetch(local.blsBaseUrl + "pr.txt", { headers })).status
  console.log(
    JSON.stringify({
      listingBytes: new TextEncoder().encode(listing).byteLength,
      dropped: { bytes: dropped.bytes.byteLength, error: failure(dropped.error) },
      short: { bytes: short.bytes.byteLength, error: failure(short.error) },
      unhandled,
      loopback,
      logged: upstream.log.count(),
    }),
  )
} finally {
  close()
  await local.close()
}
