/**
 * The fake upstreams for a vitest file: msw intercepts from the first test to the last,
 * and every test starts from the fixtures with no faults and an empty log. A request to
 * a host no fake serves is answered 421 with a sentence that says so (and nothing is printed).
 */
import { afterAll, afterEach, beforeAll } from "vitest"
import { startMswUpstream } from "./msw.ts"
import { createUpstream, type UpstreamOptions, type VirtualUpstream } from "./virtualUpstream.ts"

/** Call at the top of a test file (or a `describe`). */
export const useUpstream = (options: UpstreamOptions = {}): VirtualUpstream => {
  const upstream = createUpstream(options)
  let close = () => {}
  beforeAll(() => {
    close = startMswUpstream(upstream).close
  })
  afterEach(() => upstream.reset())
  afterAll(() => close())
  return upstream
}
