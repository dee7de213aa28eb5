/**
 * The fake upstreams behind msw (adapters/interceptUpstream.ts), outside vitest: the Deno
 * script and anything else that starts intercepting by hand.
 */
import { interceptUpstream } from "../../../adapters/interceptUpstream.ts"
import { createUpstream, type VirtualUpstream } from "./virtualUpstream.ts"

export interface MswUpstream {
  readonly upstream: VirtualUpstream
  readonly close: () => void
}

export const startMswUpstream = (upstream: VirtualUpstream = createUpstream()): MswUpstream => ({
  upstream,
  close: interceptUpstream(upstream, "the fake upstreams serve BLS, DataUSA and loopback only").close
})
