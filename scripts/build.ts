/**
 * `npm run build`: the quest command as one file, dist/quest.mjs (bin/quest.mjs runs it).
 * Node's built-in modules are required where they are first used rather than imported at
 * the top, where ESM would load every one a bundled library names (node:http, zlib, …)
 * before any command starts. Written to a temporary name and renamed, so a quest that
 * starts meanwhile never loads half a file.
 */
import { copyFileSync, mkdirSync, renameSync } from "node:fs"
import { builtinModules } from "node:module"
import { build } from "esbuild"

const builtins = new RegExp(`^(node:.*|${builtinModules.join("|").replaceAll("/", "\\/")})$`)
const temporary = `dist/quest.${process.pid}.mjs`
await build({
  entryPoints: ["cli/main.ts"],
  outfile: temporary,
  bundle: true,
  platform: "node",
  format: "esm",
  external: ["@duckdb/node-api"],
  banner: { js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);" },
  logLevel: "warning",
  plugins: [{
    name: "builtins-on-first-use",
    setup: (build) => {
      build.onResolve({ filter: builtins }, ({ path, namespace }) =>
        namespace === "builtin" ? { path, external: true } : { path, namespace: "builtin" })
      build.onLoad({ filter: /.*/, namespace: "builtin" }, ({ path }) => ({ contents: `module.exports = require(${JSON.stringify(path)})` }))
    }
  }]
})
renameSync(temporary, "dist/quest.mjs")
// msw reads its HTTP parser from beside its own file: beside the bundle, once bundled.
mkdirSync("dist/llhttp", { recursive: true })
copyFileSync("node_modules/@mswjs/interceptors/lib/node/llhttp/llhttp.wasm", "dist/llhttp/llhttp.wasm")
