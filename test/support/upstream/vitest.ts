/**
 * The fake upstreams for a vitest file: msw intercepts from the first test to the last,
 * and every test starts from the fixtures with no faults and an empty log.
 */
import { setupServer, type SetupServer } from "msw/node"
import { afterAll, afterEach, beforeAll } from "vitest"
import { upstreamHandlers } from "../../../adapters/interceptUpstream.ts"
import { createUpstream, type UpstreamOptions, type VirtualUpstream } from "./virtualUpstream.ts"

/** Call at the top of a test file (or a `describe`). */
export const useUpstream = (options: UpstreamOptions = {}): VirtualUpstream & { readonly server: SetupServer } => {
  const upstream = createUpstream(options)
  const server = setupServer(...upstreamHandlers(upstream))
  beforeAll(() => server.listen({ onUnhandledFrame: "error" }))
  afterEach(() => {
    server.resetHandlers()
    upstream.reset()
  })
  afterAll(() => server.close())
  return { ...upstream, server }
}
