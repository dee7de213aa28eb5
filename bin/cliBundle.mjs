// The quest CLI as an esbuild bundle, built on first use and again whenever a source file
// or a dependency changed, kept in node_modules/.cache/quest/. Why: Node strips types and
// resolves ~250 modules one at a time when it runs cli/main.ts from source. Two parts:
// - main.mjs, cli/main.ts: reads the command line and answers help, --version and usage
//   mistakes itself, so `quest --help` starts about as fast as Node does (V8's compile
//   cache, enabled by bin/quest.mjs, keeps it compiled between runs);
// - runner.cjs, cli/runCommand.ts and all a command loads, one CommonJS file that
//   bin/cachedRunner.mjs compiles with a V8 code cache made after a run of the command
//   (whose functions Node's compile cache would compile again every run). Its modules are
//   evaluated when first imported, so each command still runs only the code it uses; the
//   large libraries only some commands use are files of their own (VENDORS below).
// `npm run bench` measures the start-up of each.
//
// Plain JavaScript: it runs before Node knows how to load TypeScript.
//
// Node's built-ins through process.getBuiltinModule, as in bin/quest.mjs (an ES import of
// one wakes its lazy getters); those only a build needs are taken when it runs.
const fs = process.getBuiltinModule("node:fs")
const path = process.getBuiltinModule("node:path")
const { fileURLToPath, pathToFileURL } = process.getBuiltinModule("node:url")
const randomUUID = () => process.getBuiltinModule("node:crypto").randomUUID()

const projectRoot = path.join(path.dirname(fileURLToPath(import.meta.url)), "..")
const cacheRoot = path.join(projectRoot, "node_modules", ".cache", "quest")
const current = path.join(cacheRoot, "current.json")
// Any npm install or update rewrites it: the dependencies in the bundle may have changed.
const lockfile = path.join(projectRoot, "node_modules", ".package-lock.json")

const mtimeOf = (file) => {
  try {
    return fs.statSync(file).mtimeMs
  } catch {
    return -1
  }
}

/** The recorded build, if none of its inputs changed since (one stat per source file). */
const freshBuild = () => {
  let manifest
  try {
    manifest = JSON.parse(fs.readFileSync(current, "utf8"))
  } catch {
    return undefined
  }
  if (manifest.lockfile !== mtimeOf(lockfile)) return undefined
  for (const [file, mtime] of Object.entries(manifest.inputs)) {
    if (mtimeOf(path.join(projectRoot, file)) !== mtime) return undefined
  }
  return path.join(cacheRoot, manifest.folder, "main.mjs")
}

/**
 * Project modules that find files beside them (the fixtures --offline serves) keep their
 * own `import.meta.url`, not the bundle's.
 */
const sourceUrls = {
  name: "source-urls",
  setup(build) {
    build.onLoad({ filter: /\.ts$/ }, async (args) => {
      if (args.path.includes(`${path.sep}node_modules${path.sep}`)) return undefined
      const text = await fs.promises.readFile(args.path, "utf8")
      if (!text.includes("import.meta.url")) return undefined
      return { contents: text.replaceAll("import.meta.url", JSON.stringify(pathToFileURL(args.path).href)), loader: "ts" }
    })
  }
}

/**
 * Node's built-in modules through `require`: imported as ES modules they get a facade
 * that reads every export, waking lazy getters on the way — node:process opens stdin and
 * builds its flag list, node:http loads Node's whole bundled undici for its WebSocket —
 * tens of milliseconds at every start for nothing.
 */
const requiredBuiltins = {
  name: "required-builtins",
  setup(build) {
    const builtins = new Set(process.getBuiltinModule("node:module").builtinModules)
    build.onResolve({ filter: /^[a-z_:/]+$/ }, (args) => {
      // The stand-in's own require() is the real one.
      if (args.namespace === "required-builtin") return { path: args.path, external: true }
      const name = args.path.replace(/^node:/, "")
      if (!args.path.startsWith("node:") && !builtins.has(name)) return undefined
      return { path: args.path.startsWith("node:") ? args.path : `node:${name}`, namespace: "required-builtin" }
    })
    build.onLoad({ filter: /.*/, namespace: "required-builtin" }, (args) => ({
      contents: `module.exports = require(${JSON.stringify(args.path)})`,
      loader: "js"
    }))
  }
}

/**
 * Modules the CLI imports but only calls in a case it never meets, as in the Lambda
 * bundles (infra/handlerBundle.ts, whose stand-ins these are): each is built into a file of
 * its own beside the bundle and loaded on first call. linkedom imports cssomnom's parser
 * (~340 KB) for `<style>` sheets, which a directory listing never asks for.
 */
const lazyModulesFile = path.join(projectRoot, "infra", "lazy", "lazyModules.json")
const lazyModules = () => JSON.parse(fs.readFileSync(lazyModulesFile, "utf8"))

/** ofetch's portable entry, which its package exports only to other runtimes' conditions. */
const portableOfetch = () => path.join(path.dirname(fileURLToPath(import.meta.resolve("ofetch/package.json"))), "dist", "index.mjs")

/**
 * Libraries that only some commands use, each whole: the directory listing's parser, the
 * HTTP client, the S3 client. Each is a CommonJS file of its own beside the runner
 * (vendor-*.cjs), required when a command first needs it, so the runner that `quest report`
 * reads and compiles is half the size (bin/cachedRunner.mjs gives them code caches too).
 * They import nothing of the project's, so no module is bundled twice.
 */
const VENDORS = ["linkedom", "ofetch", "@aws-sdk/client-s3"]
const vendorFile = (name) => `vendor-${name.replace("@", "").replaceAll("/", "-")}.cjs`
const vendorsApart = {
  name: "vendors-apart",
  setup(build) {
    const names = new Set(VENDORS)
    build.onResolve({ filter: /^[@a-z]/ }, (args) => (names.has(args.path) ? { path: `./${vendorFile(args.path)}`, external: true } : undefined))
  }
}

/** Node's wrapper of a CommonJS module, written into a file bin/cachedRunner.mjs compiles as it is (no second copy of its text). */
const moduleWrapper = { banner: { js: "(function (exports, require, module, __filename, __dirname) {" }, footer: { js: "})" } }

/** main.ts's runner, in the bundle: the stand-in that loads runner.cjs with its code cache. */
const cachedRunner = {
  name: "cached-runner",
  setup(build) {
    build.onResolve({ filter: /^\.\/runCommand\.ts$/ }, (args) =>
      args.importer === path.join(projectRoot, "cli", "main.ts") ? { path: path.join(projectRoot, "bin", "cachedRunner.mjs") } : undefined)
  }
}

/**
 * Builds into a folder of its own, then points current.json at it by a rename, so runs
 * that start at the same time never see a half-written bundle.
 */
const build = async () => {
  const { build: esbuild } = await import("esbuild")
  const folder = `build-${randomUUID()}`
  const outdir = path.join(cacheRoot, folder)
  const lockMtime = mtimeOf(lockfile)
  const lazy = lazyModules()
  const common = {
    bundle: true,
    platform: "node",
    target: "node22",
    // The same choice as the Lambda bundles (infra/handlerBundle.ts): module builds first.
    mainFields: ["module", "main"],
    // --offline's fake upstreams: msw's interceptors read files beside their own modules,
    // and a demo mode need not start fast. Loaded from node_modules as they are.
    external: ["msw", "msw/*", "@mswjs/interceptors", "@mswjs/interceptors/*"],
    metafile: true,
    logLevel: "silent"
  }
  const vendorBuild = {
    ...common,
    format: "cjs",
    ...moduleWrapper,
    // As in the Lambda bundles: Node has fetch, so node-fetch-native's polyfill is dead weight.
    // And ofetch's portable entry (Deno's, workers'): its Node entry imports node:http and
    // node:https (TLS, ~20 ms of a sync's start) for keep-alive agents it builds only when
    // the runtime has no fetch of its own, which Node >= 18 always has.
    alias: {
      "node-fetch-native": "node-fetch-native/native",
      ofetch: portableOfetch(),
      ...Object.fromEntries(lazy.map(({ module, standIn }) => [module, path.join(projectRoot, standIn)]))
    }
  }
  const entry = await esbuild({
    ...common,
    entryPoints: { main: path.join(projectRoot, "cli", "main.ts") },
    outdir,
    outExtension: { ".js": ".mjs" },
    format: "esm",
    // Some dependencies are CommonJS and call require(): give the ESM bundle one.
    banner: { js: "import { createRequire as __questRequire } from 'node:module'; const require = __questRequire(import.meta.url);" },
    plugins: [sourceUrls, requiredBuiltins, cachedRunner]
  })
  const runner = await esbuild({
    ...common,
    entryPoints: [path.join(projectRoot, "cli", "runCommand.ts")],
    outfile: path.join(outdir, "runner.cjs"),
    format: "cjs",
    ...moduleWrapper,
    plugins: [sourceUrls, vendorsApart]
  })
  const vendors = []
  for (const name of VENDORS) {
    vendors.push(await esbuild({
      ...vendorBuild,
      stdin: { contents: `export * from "${name}"`, resolveDir: projectRoot },
      outfile: path.join(outdir, vendorFile(name))
    }))
  }
  for (const { module, file } of lazy) {
    await esbuild({ ...common, format: "cjs", stdin: { contents: `export * from "${module}"`, resolveDir: projectRoot }, outfile: path.join(outdir, file) })
  }
  // This file and the lazy-module list too: a change to how the bundle is built calls for a new one.
  const inputs = Object.fromEntries([fileURLToPath(import.meta.url), lazyModulesFile].map((file) => [path.relative(projectRoot, file), mtimeOf(file)]))
  // The vendor builds' too: they alias project files (the lazy stand-ins), which a change must rebuild.
  for (const file of [entry, runner, ...vendors].flatMap((result) => Object.keys(result.metafile.inputs))) {
    // Dependencies are covered by the lockfile; `<stdin>` is the vendor builds' one-line entry.
    if (file.includes("node_modules/") || file.startsWith("<")) continue
    inputs[file] = mtimeOf(path.join(projectRoot, file))
  }
  const temp = `${current}.${randomUUID()}`
  fs.writeFileSync(temp, JSON.stringify({ folder, lockfile: lockMtime, inputs }))
  fs.renameSync(temp, current)
  removeOldBuilds(folder)
  return path.join(outdir, "main.mjs")
}

/** Keeps the newest few builds: a run that started on an older one may still load its chunks. */
const removeOldBuilds = (keep) => {
  const builds = fs.readdirSync(cacheRoot, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && entry.name.startsWith("build-") && entry.name !== keep)
    .map((entry) => ({ name: entry.name, mtime: mtimeOf(path.join(cacheRoot, entry.name)) }))
    .sort((a, b) => b.mtime - a.mtime)
  for (const old of builds.slice(2)) fs.rmSync(path.join(cacheRoot, old.name), { recursive: true, force: true })
}

/**
 * The URL of the CLI's entry module: the bundle when it is current or can be built, else
 * undefined (no esbuild, a read-only install): then the caller runs cli/main.ts itself.
 */
export const cliBundle = async () => {
  try {
    const entry = freshBuild() ?? await build()
    return pathToFileURL(entry).href
  } catch {
    return undefined
  }
}
