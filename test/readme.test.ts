/** The README stays true: every setting it must document, and the commands it names, exist. */
import { readFileSync } from "node:fs"
import { load } from "js-yaml"
import { describe, expect, it } from "vitest"
import { settingSpecs } from "../domain/settings.ts"

const read = (path: string) => readFileSync(new URL(`../${path}`, import.meta.url), "utf8")
const readme = read("README.md")
const row = (cells: ReadonlyArray<string>) => new RegExp(`^\\|\\s*${cells.map((c) => `\`${c.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}\``).join("\\s*\\|\\s*")}`, "m")

describe("the README", () => {
  it("documents every setting of the quest command with its flag, variable and default", () => {
    for (const spec of Object.values(settingSpecs)) {
      expect(readme).toMatch(row([spec.flag, spec.env]))
      if (spec.default !== undefined) expect(readme).toContain(`\`${spec.default}\``)
    }
  })

  it("documents every setting of the stack", () => {
    const config = (load(read("Pulumi.yaml")) as { config: Record<string, unknown> }).config
    for (const key of Object.keys(config)) expect(readme).toMatch(row([key]))
  })

  it("names npm scripts that exist", () => {
    const scripts = (JSON.parse(read("package.json")) as { scripts: Record<string, string> }).scripts
    for (const [, name] of readme.matchAll(/npm (?:run )?(start|test|bench|lint)\b/g)) {
      expect(Object.keys(scripts)).toContain(name)
    }
    expect(read(".ci/run")).toMatch(/^npm test$/m)
  })
})
