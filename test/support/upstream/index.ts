/** The fake upstreams' API: see virtualUpstream.ts; front ends in msw.ts, vitest.ts and ../fixtureServer.ts. */
export { createUpstream, type UpstreamOptions, type VirtualUpstream } from "./virtualUpstream.ts"
export { DEFAULT_BLS_BASE_URL, hasContact, type BlsDirectory, type BlsFile, type FileDate, type ListingSettings } from "./blsDirectory.ts"
export {
  DEFAULT_LEGACY_POPULATION_URL,
  DEFAULT_POPULATION_URL,
  type DataUsaPopulation,
  type PopulationBody,
  type PopulationEndpoint,
} from "./dataUsa.ts"
export {
  contentLength,
  delay,
  dropMidBody,
  headers,
  redirect,
  shortBody,
  stall,
  status,
  trickle,
  type Fault,
} from "./faults.ts"
export type { LoggedRequest, LogQuery, RequestLog, Route } from "./requestLog.ts"
export type { Target } from "./target.ts"
export type { ListingStyle } from "./directoryListing.ts"
export { ConnectionCut } from "./bodyStreams.ts"
