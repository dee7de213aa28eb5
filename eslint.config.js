// Lint for the whole repository (`npm run lint`): typescript-eslint's recommended rules,
// and the edge guard — domain/ and handlers/ run on Node, Deno and Lambda alike, so they
// may use web-standard APIs only: no `node:` modules, no Node-only globals.
import { readFileSync } from "node:fs"
import { builtinModules } from "node:module"
import { defineConfig, globalIgnores } from "eslint/config"
import tseslint from "typescript-eslint"

const nodeOnlyGlobals = ["Buffer", "process", "__dirname", "__filename", "require", "global"]
const webOnly = "domain/ and handlers/ run on Node, Deno and Lambda: use web-standard APIs " +
  "(fetch, streams, TextEncoder, Web Crypto) and reach Node through a service implemented in adapters/."
// Effect's barrels ("effect", "effect/persistence", …: every entry of its package exports
// without a wildcard) re-export whole folders of modules, which the CLI (run from source)
// and the Lambda bundles would then load and evaluate for nothing.
const effectBarrels = Object.keys(JSON.parse(readFileSync(new URL("./node_modules/effect/package.json", import.meta.url), "utf8")).exports)
  .filter((entry) => !entry.includes("*") && entry !== "./package.json")
  .map((entry) => entry === "." ? "effect" : `effect/${entry.slice(2)}`)
const effectModule = "Import the module itself, e.g. `import * as Effect from \"effect/Effect\"`: a barrel makes " +
  "every bundle evaluate all the modules it re-exports."
const denoOnly = { name: "Deno", message: "Deno's globals belong in deno/ (the Deno entries); elsewhere use web or node: APIs." }

export default defineConfig(
  globalIgnores(["node_modules/", "dist/", "data/", ".bench/", "test/fixtures/", ".pulumi-build/", "coverage/"]),
  tseslint.configs.recommended,
  {
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", {
        argsIgnorePattern: "^_",
        varsIgnorePattern: "^_",
        destructuredArrayIgnorePattern: "^_",
        ignoreRestSiblings: true
      }],
      "eqeqeq": ["error", "always", { null: "ignore" }],
      "@typescript-eslint/no-restricted-imports": ["error", {
        paths: effectBarrels.map((name) => ({ name, message: effectModule })),
        // The same barrels by their files' names ("effect/persistence/index").
        patterns: [{ group: ["effect/index", "effect/**/index", "effect/index.js", "effect/**/index.js"], message: effectModule }]
      }],
      "no-var": "error",
      "prefer-const": "error"
    }
  },
  {
    ignores: ["deno/**"],
    rules: { "no-restricted-globals": ["error", denoOnly] }
  },
  {
    // CommonJS files (Lambda-side helpers) load modules with require by definition.
    files: ["**/*.cjs"],
    rules: { "@typescript-eslint/no-require-imports": "off" }
  },
  {
    // Mocks of untyped seams (Pulumi's mock runtime, SDK internals) are clearer with `any`.
    files: ["test/**"],
    rules: { "@typescript-eslint/no-explicit-any": "off" }
  },
  {
    files: ["domain/**", "handlers/**"],
    rules: {
      "no-restricted-imports": ["error", {
        patterns: [{ group: ["node:*"], message: webOnly }],
        paths: builtinModules.filter((name) => !name.startsWith("_")).map((name) => ({ name, message: webOnly }))
      }],
      "no-restricted-globals": ["error", denoOnly, ...nodeOnlyGlobals.map((name) => ({ name, message: webOnly }))],
      "no-restricted-properties": ["error", ...nodeOnlyGlobals.map((property) => ({
        object: "globalThis",
        property,
        message: webOnly
      }))]
    }
  }
)
