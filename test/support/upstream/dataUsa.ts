/**
 * A fake of DataUSA's population API: the current tesseract endpoint and the retired
 * `/api/data` one, each serving its fixture (matched on path; the query is ignored)
 * until a test replaces the body.
 */
import { DEFAULT_POPULATION_URL } from "../../../domain/settings.ts"
import { chunkedStream } from "./bodyStreams.ts"
import { legacyPopulationFixture, populationFixture } from "./fixtureData.ts"

// The fakes answer at the product's own defaults, so `--offline` intercepts exactly what a real run asks.
export { DEFAULT_POPULATION_URL }
export const DEFAULT_LEGACY_POPULATION_URL = "https://datausa.io/api/data?drilldowns=Nation&measures=Population"

export type PopulationEndpoint = "tesseract" | "legacy"

/** Raw bytes or text are served as given; any other value as its JSON; `null` answers 404. */
export type PopulationBody = Uint8Array | string | null | object

export interface DataUsaPopulation {
  readonly url: string
  readonly legacyUrl: string
  readonly setBody: (endpoint: PopulationEndpoint, body: PopulationBody) => void
  /** Back to the fixture bodies. */
  readonly reset: () => void
}

export interface DataUsaServer extends DataUsaPopulation {
  /** Which endpoint this URL's path names, if any (the host is the caller's business). */
  readonly endpointOf: (url: URL) => PopulationEndpoint | undefined
  readonly respond: (request: Request, endpoint: PopulationEndpoint) => Response
}

const encode = (body: PopulationBody): Uint8Array | null =>
  body === null
    ? null
    : body instanceof Uint8Array
      ? body
      : new TextEncoder().encode(typeof body === "string" ? body : JSON.stringify(body))

export const makeDataUsa = (
  url: string = DEFAULT_POPULATION_URL,
  legacyUrl: string = DEFAULT_LEGACY_POPULATION_URL,
): DataUsaServer => {
  const paths: Record<PopulationEndpoint, string> = { tesseract: new URL(url).pathname, legacy: new URL(legacyUrl).pathname }
  let bodies: Record<PopulationEndpoint, Uint8Array | null> = { tesseract: null, legacy: null }
  const reset = () => void (bodies = { tesseract: populationFixture(), legacy: legacyPopulationFixture() })
  reset()

  return {
    url,
    legacyUrl,
    setBody: (endpoint, body) => void (bodies = { ...bodies, [endpoint]: encode(body) }),
    reset,
    endpointOf: (u) => (["tesseract", "legacy"] as const).find((e) => paths[e] === u.pathname),
    respond: (request, endpoint) => {
      const body = bodies[endpoint]
      if (body === null) return Response.json({ error: "Not Found" }, { status: 404 })
      if (request.method !== "GET" && request.method !== "HEAD") return Response.json({ error: "Method Not Allowed" }, { status: 405 })
      return new Response(request.method === "HEAD" ? null : chunkedStream(body), {
        headers: { "content-type": "application/json", "content-length": String(body.byteLength) },
      })
    },
  }
}
