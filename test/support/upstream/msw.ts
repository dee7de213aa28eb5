/**
 * The fake upstreams behind msw (adapters/interceptUpstream.ts), outside vitest: the Deno
 * script and anything else that starts intercepting by hand.
 */
import { interceptUpstream, type Unhandled } from "../../../adapters/interceptUpstream.ts"
import { createUpstream, type VirtualUpstream } from "./virtualUpstream.ts"

export interface MswUpstream {
  readonly upstream: VirtualUpstream
  readonly close: () => void
}

export const startMswUpstream = (upstream: VirtualUpstream = createUpstream(), unhandled: Unhandled = "error"): MswUpstream => ({
  upstream,
  close: interceptUpstream(upstream, unhandled).close
})
