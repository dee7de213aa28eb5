/**
 * The bundled fixtures as the fake upstreams serve them: the product's offline upstream
 * reads them (adapters/offlineUpstream.ts); the legacy population and the listing page
 * are the tests' own.
 */
import { fixtureBytes } from "../../../adapters/offlineUpstream.ts"

export { blsFixtureFiles } from "../../../adapters/offlineUpstream.ts"

export const populationFixture = (): Uint8Array => fixtureBytes("datausa/nation-population.tesseract.json")

export const legacyPopulationFixture = (): Uint8Array => fixtureBytes("datausa/nation-population.legacy.json")

/** BLS's own page, for tests that compare a rendered listing with it. */
export const blsListingFixture = (): string => new TextDecoder().decode(fixtureBytes("bls/pr.listing.html"))
