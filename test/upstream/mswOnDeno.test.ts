import { execFile } from "node:child_process"
import { fileURLToPath } from "node:url"
import { promisify } from "node:util"
import { describe, expect, it } from "vitest"

const deno = fileURLToPath(new URL("../../node_modules/.bin/deno", import.meta.url))
const script = fileURLToPath(new URL("mswOnDeno.script.ts", import.meta.url))

describe("the msw front end on Deno (the CLI's --offline there)", () => {
  it("serves the fixtures, plays faults, refuses other hosts, passes loopback through, and exits", async () => {
    // Only the permissions the offline CLI needs; a hang (a handle left open) fails on the timeout.
    const { stdout } = await promisify(execFile)(deno, ["run", "--allow-read", "--allow-env", "--allow-net=127.0.0.1", script], {
      timeout: 30_000,
    })
    const seen = JSON.parse(stdout.trim().split("\n").at(-1) ?? "{}")
    expect(seen).toMatchObject({
      listingBytes: 1347,
      dropped: { bytes: 100_000, error: expect.stringContaining("reset") },
      short: { bytes: 1_000, error: expect.stringContaining("closed") },
      unhandled: "421 the fake upstreams serve BLS, DataUSA and loopback only",
      loopback: 200,
      logged: 3,
    })
  }, 40_000)
})
