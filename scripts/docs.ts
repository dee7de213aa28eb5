/**
 * `npm run docs`: writes the pages of docs/ that the code knows — the stack's inventory and
 * the configuration reference. test/docs.test.ts renders them again and fails when a
 * committed page differs, so they cannot drift.
 */
import { writeFileSync } from "node:fs"
import { fileURLToPath } from "node:url"
import { declareStack, type DeclaredStack } from "../test/infra/mockStack.ts"
import { stackPage } from "./stackInventory.ts"

export const generatedPages = async (stack?: DeclaredStack): Promise<ReadonlyMap<string, string>> =>
  new Map([
    ["docs/stack.md", stackPage(stack ?? await declareStack("dev"))]
  ])

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  for (const [file, text] of await generatedPages()) {
    writeFileSync(file, text)
    console.error(`wrote ${file}`)
  }
  process.exit(0)
}
