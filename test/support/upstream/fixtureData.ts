/**
 * The bundled fixtures as the fake upstreams serve them, read once per process.
 * The only file of the fake upstreams that touches the disk.
 */
import { readdirSync, readFileSync } from "node:fs"

const fixtures = new URL("../../fixtures/", import.meta.url)

/** Listing date of every BLS file that `bls/mtimes.json` does not name. */
export const DEFAULT_BLS_MODIFIED = "6/4/2026  8:30 AM"

export interface FixtureFile {
  readonly name: string
  readonly bytes: Uint8Array
  /** As BLS's listing shows it: `M/D/YYYY  H:MM AM`, US Eastern time. */
  readonly modified: string
}

const once = <A>(load: () => A): (() => A) => {
  let value: { a: A } | undefined
  return () => (value ??= { a: load() }).a
}

export const blsFixtureFiles = once((): ReadonlyArray<FixtureFile> => {
  const mtimes: Record<string, string> = JSON.parse(
    readFileSync(new URL("bls/mtimes.json", fixtures), "utf8"),
  )
  const dir = new URL("bls/pr/", fixtures)
  return readdirSync(dir)
    .sort()
    .map((name) => ({
      name,
      bytes: new Uint8Array(readFileSync(new URL(name, dir))),
      modified: mtimes[name] ?? DEFAULT_BLS_MODIFIED,
    }))
})

export const populationFixture = once(
  (): Uint8Array => new Uint8Array(readFileSync(new URL("datausa/nation-population.tesseract.json", fixtures))),
)

export const legacyPopulationFixture = once(
  (): Uint8Array => new Uint8Array(readFileSync(new URL("datausa/nation-population.legacy.json", fixtures))),
)

/** BLS's own page, for tests that compare a rendered listing with it. */
export const blsListingFixture = once((): string => readFileSync(new URL("bls/pr.listing.html", fixtures), "utf8"))
