/**
 * The configuration the Pulumi CLI would hand the program for a stack: Pulumi.yaml's
 * schema defaults, overlaid with the stack file (Pulumi.<stack>.yaml), overlaid with a
 * test's overrides — all as strings, as the CLI passes them.
 */
import { load } from "js-yaml"
import { existsSync, readFileSync } from "node:fs"

interface SchemaEntry {
  readonly type: "string" | "integer" | "boolean" | "array"
  readonly default?: unknown
  readonly description?: string
}

interface ProjectFile {
  readonly name: string
  readonly runtime: { readonly name: string; readonly options?: Record<string, unknown> }
  readonly main?: string
  readonly config: Record<string, SchemaEntry>
}

export const readProjectFile = () => load(readFileSync("Pulumi.yaml", "utf8")) as ProjectFile

/** A stack's own settings; a stack without a file (a new one) has none. */
export const readStackFile = (stack: string): Record<string, unknown> =>
  existsSync(`Pulumi.${stack}.yaml`)
    ? (load(readFileSync(`Pulumi.${stack}.yaml`, "utf8")) as { config?: Record<string, unknown> }).config ?? {}
    : {}

/** `key` or `project:key` → `project:key`, as the CLI names project settings. */
const qualified = (project: string, key: string) => (key.includes(":") ? key : `${project}:${key}`)

/** What `pulumi config set` gave each stack in the tests: Pulumi.dev.yaml commits no contact. */
export const TEST_CONTACT = "pipeline-tests@quest-ci.dev"

/** An override of `undefined` removes the key, as `pulumi config rm` would. */
export const stackConfig = (stack: string, overrides: Record<string, string | undefined> = {}): Record<string, string> => {
  const project = readProjectFile()
  const config: Record<string, string> = {}
  for (const [key, entry] of Object.entries(project.config)) {
    if (entry.default !== undefined) config[qualified(project.name, key)] = String(entry.default)
  }
  for (const [key, value] of Object.entries(readStackFile(stack))) config[qualified(project.name, key)] = String(value)
  for (const [key, value] of Object.entries({ contact: TEST_CONTACT, ...overrides })) {
    if (value === undefined) delete config[qualified(project.name, key)]
    else config[qualified(project.name, key)] = value
  }
  return config
}
