/**
 * The fake upstreams for a vitest file: msw intercepts from the first test to the last,
 * and every test starts from the fixtures with no faults and an empty log. A request to
 * a host no fake serves fails with a sentence that says so (and nothing is printed).
 */
import { afterAll, afterEach, beforeAll } from "vitest"
import { interceptUpstream } from "../../../adapters/interceptUpstream.ts"
import { createUpstream, type UpstreamOptions, type VirtualUpstream } from "./virtualUpstream.ts"

/** Call at the top of a test file (or a `describe`). */
export const useUpstream = (options: UpstreamOptions = {}): VirtualUpstream => {
  const upstream = createUpstream(options)
  let close = () => {}
  beforeAll(() => {
    close = interceptUpstream(upstream, (url) => new Error(`the fake upstreams serve BLS, DataUSA and loopback only, not ${url}`)).close
  })
  afterEach(() => upstream.reset())
  afterAll(() => close())
  return upstream
}
