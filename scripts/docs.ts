/**
 * `npm run docs`: writes what the code knows into the files people and tools read — the
 * stack's inventory, the configuration reference, and Pulumi.yaml's `config:` block (the
 * Pulumi CLI reads the stack's keys and defaults there). test/docs.test.ts renders them
 * again and fails when a committed file differs, so they cannot drift.
 */
import { readFileSync, writeFileSync } from "node:fs"
import { fileURLToPath } from "node:url"
import { dump } from "js-yaml"
import { allSettings, configurationReference, meaningOf } from "../domain/settingSpecs.ts"
import { declareStack, type DeclaredStack } from "../test/infra/mockStack.ts"
import { stackPage } from "./stackInventory.ts"

/** Pulumi.yaml with its `config:` block (the file's last) written from the settings table. */
const pulumiProjectFile = () => {
  const current = readFileSync("Pulumi.yaml", "utf8")
  const config = Object.fromEntries(allSettings.filter(([, spec]) => spec.stack).map(([name, spec]) => [name, {
    type: spec.integer ? "integer" : "string",
    default: spec.integer ? Number(spec.default) : spec.default ?? "",
    description: meaningOf(spec)
  }]))
  return current.slice(0, current.indexOf("\nconfig:\n") + 1) + dump({ config }, { lineWidth: -1 })
}

export const generatedPages = async (stack?: DeclaredStack): Promise<ReadonlyMap<string, string>> =>
  new Map([
    ["docs/stack.md", stackPage(stack ?? await declareStack("dev"))],
    ["docs/configuration.md", configurationReference()],
    ["Pulumi.yaml", pulumiProjectFile()]
  ])

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  for (const [file, text] of await generatedPages()) {
    writeFileSync(file, text)
    console.error(`wrote ${file}`)
  }
  process.exit(0)
}
