/** The README stays short and true: the scripts, files and links it names exist. */
import { existsSync, readFileSync } from "node:fs"
import { describe, expect, it } from "vitest"

const read = (path: string) => readFileSync(new URL(`../${path}`, import.meta.url), "utf8")
const readme = read("README.md")

describe("the README", () => {
  it("reads in five minutes: at most 200 lines", () => {
    expect(readme.split("\n").length).toBeLessThanOrEqual(200)
  })

  it("names npm scripts that exist, and CI runs its test command", () => {
    const scripts = (JSON.parse(read("package.json")) as { scripts: Record<string, string> }).scripts
    const named = [...readme.matchAll(/\bnpm (?:run ([a-z]+)|(start|test))\b/g)].map(([, run, own]) => (run ?? own)!)
    expect(named.length).toBeGreaterThan(0)
    for (const name of named) expect(Object.keys(scripts)).toContain(name)
    expect(read(".ci/run")).toMatch(/^npm test$/m)
  })

  it("links only to files that exist", () => {
    const links = [...readme.matchAll(/\]\(((?:docs|sql|scripts)\/[^)#\s]+)/g)].map(([, target]) => target!)
    expect(links.length).toBeGreaterThan(0)
    for (const target of links) expect(existsSync(new URL(`../${target}`, import.meta.url)), target).toBe(true)
  })
})
