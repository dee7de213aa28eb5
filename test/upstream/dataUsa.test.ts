import { readFileSync } from "node:fs"
import { describe, expect, it } from "vitest"
import { createUpstream } from "../support/upstream/virtualUpstream.ts"

const fixture = (name: string) => readFileSync(new URL(`../fixtures/datausa/${name}`, import.meta.url), "utf8")
const CURRENT = "https://honolulu-api.datausa.io/tesseract/data.jsonrecords?cube=acs_yg_total_population_1&drilldowns=Year%2CNation&locale=en&measures=Population"
const LEGACY = "https://datausa.io/api/data?drilldowns=Nation&measures=Population"

describe("the fake DataUSA population API", () => {
  it("serves both fixtures at their real URLs, whatever the query", async () => {
    const upstream = createUpstream()
    expect(upstream.population.url).toBe(CURRENT)
    expect(upstream.population.legacyUrl).toBe(LEGACY)
    const current = await upstream.handle(new Request(CURRENT))
    expect(current.headers.get("content-type")).toBe("application/json")
    expect(await current.text()).toBe(fixture("nation-population.tesseract.json"))
    const otherQuery = await upstream.handle(new Request("https://honolulu-api.datausa.io/tesseract/data.jsonrecords"))
    expect(await otherQuery.text()).toBe(fixture("nation-population.tesseract.json"))
    expect(await (await upstream.handle(new Request(LEGACY))).text()).toBe(fixture("nation-population.legacy.json"))
  })

  it("serves a replaced body (text, JSON value, or nothing) until reset", async () => {
    const upstream = createUpstream()
    upstream.population.setBody("tesseract", "<html>not json</html>")
    expect(await (await upstream.handle(new Request(CURRENT))).text()).toBe("<html>not json</html>")
    upstream.population.setBody("tesseract", { data: [{ Year: "x" }] })
    expect(await (await upstream.handle(new Request(CURRENT))).json()).toEqual({ data: [{ Year: "x" }] })
    upstream.population.setBody("legacy", null)
    expect((await upstream.handle(new Request(LEGACY))).status).toBe(404)
    upstream.reset()
    expect(await (await upstream.handle(new Request(LEGACY))).text()).toBe(fixture("nation-population.legacy.json"))
  })

  it("claims only its own hosts", () => {
    const upstream = createUpstream()
    expect(upstream.serves(CURRENT)).toBe(true)
    expect(upstream.serves(LEGACY)).toBe(true)
    expect(upstream.serves("https://download.bls.gov/pub/time.series/pr/")).toBe(true)
    expect(upstream.serves("https://api.example.com/data")).toBe(false)
    expect(upstream.serves("http://127.0.0.1:4566/bucket")).toBe(false)
  })
})
