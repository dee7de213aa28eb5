/** The edge guard in eslint.config.js: what domain/ and handlers/ may not use, and what the rest may. */
import { ESLint } from "eslint"
import { describe, expect, it } from "vitest"
import { projectRoot } from "./questProcess.ts"

const eslint = new ESLint({ cwd: projectRoot })

const problemsIn = async (filePath: string, code: string) => {
  const [result] = await eslint.lintText(code, { filePath })
  return (result?.messages ?? []).map((message) => `${message.line}:${message.ruleId}`)
}

const nodeOnly = [
  `import { readFile } from "node:fs/promises"`,
  `import path from "path"`,
  `export const a = Buffer.from("x")`,
  `export const b = process.env["X"]`,
  `export const c = __dirname + __filename`,
  `export const d = globalThis.process`,
  `export const e = global`,
  `export const f = [readFile, path]`
].join("\n")

describe("the lint guard", () => {
  it.each(["domain/bls/probe.ts", "handlers/probe.ts"])("rejects node: imports and Node-only globals in %s", async (file) => {
    expect(await problemsIn(file, nodeOnly)).toEqual([
      "1:no-restricted-imports",
      "2:no-restricted-imports",
      "3:no-restricted-globals",
      "4:no-restricted-globals",
      "5:no-restricted-globals",
      "5:no-restricted-globals",
      "6:no-restricted-properties",
      "7:no-restricted-globals"
    ])
  })

  it("lets the edges use Node, and keeps Deno's globals in deno/", async () => {
    expect(await problemsIn("adapters/probe.ts", nodeOnly)).toEqual([])
    expect(await problemsIn("cli/probe.ts", `export const args = Deno.args`)).toEqual(["1:no-restricted-globals"])
    expect(await problemsIn("deno/probe.ts", `export const args = Deno.args`)).toEqual([])
  })
})
