/**
 * Bundles a Lambda handler with esbuild while the Pulumi program runs, so `pulumi up` and
 * `pulumi preview` need no separate build step and always ship the handler's current code.
 *
 * Why a bundle at all: Pulumi's function serializer captures project modules by value and
 * fails inside Effect ("Unexpected missing variable in closure environment"), and closures
 * over ESM imports are serialized by value too (pulumi/pulumi#18977). So the function that
 * Pulumi serializes only `require()`s this bundle (see bundledFunction.ts), and the bundle
 * carries the handler with every package it imports — the AWS SDK included, so the code
 * that runs is the code the tests ran, not whatever SDK version the runtime ships.
 *
 * Loading the bundle is most of a cold start, and most of that is V8 compiling its source,
 * so the options below keep the source small (test/infra/lambdaArchive.test.ts holds each
 * bundle to 150 ms of loading and 1 MB zipped; `npm run bench` prints both).
 */
import { type BuildOptions, buildSync } from "esbuild"
import { createHash } from "node:crypto"
import * as fs from "node:fs"
import * as path from "node:path"

/** Ignored by git (.gitignore); rebuilt from scratch on every program run. */
export const BUILD_FOLDER = ".pulumi-build"

export interface HandlerBundle {
  /** The folder to ship, relative to the project root: Pulumi uses an `extraIncludePaths`
   *  entry both as the path it reads and as the path inside the archive. */
  readonly folder: string
  /** The module the Lambda's serialized entry `require()`s, relative to the archive root. */
  readonly modulePath: string
}

const common = {
  bundle: true,
  platform: "node",
  // The functions' runtime (nodejs24.x).
  target: "node24",
  format: "cjs",
  minify: true,
  // Module builds before CommonJS ones: esbuild can drop what a module build does not use
  // (the AWS SDK's CommonJS build would bring every S3 command along).
  mainFields: ["module", "main"],
  // Node has fetch: node-fetch-native's Node entry would ship a node-fetch polyfill
  // (~120 KB) that it never uses there. Its `native` entry is the runtime's fetch.
  // linkedom's CSS parser (a fifth of the ingest's bundle) waits until a page has a style to parse.
  alias: { "node-fetch-native": "node-fetch-native/native", "cssomnom/parse": "./infra/cssomnomParse.cjs" },
  legalComments: "eof",
  logLevel: "error"
} satisfies BuildOptions

/**
 * Builds `entry` into `.pulumi-build/<name>-<content hash>/handler.cjs`. CommonJS because
 * the serialized entry Pulumi writes (`__index.js`) is CommonJS and loads the bundle with
 * `require()`. No source map: parsing one at start would cost more than the readable stack
 * is worth; failures are typed errors whose messages say what happened.
 *
 * The folder is named by its content and written whole by a rename, so programs that run
 * at once (test files in parallel) never see each other's half-written or deleted files.
 */
export const bundleHandler = (name: string, entry: string): HandlerBundle => {
  // Pulumi runs the program from the project root, and the archive paths are relative to
  // the working directory: anywhere else the archive would carry `../` paths.
  if (!fs.existsSync("Pulumi.yaml")) {
    throw new Error(
      `Bundling the ${name} handler needs the project root as working directory (where Pulumi.yaml is), ` +
        `but it is ${process.cwd()}. Run pulumi (or the tests) from the project root.`
    )
  }
  const code = buildSync({ ...common, entryPoints: [entry], outfile: "handler.cjs", write: false }).outputFiles[0]!.contents
  const folder = path.posix.join(BUILD_FOLDER, `${name}-${createHash("sha256").update(code).digest("hex").slice(0, 12)}`)
  if (!fs.existsSync(folder)) {
    fs.mkdirSync(BUILD_FOLDER, { recursive: true })
    const staging = fs.mkdtempSync(path.join(BUILD_FOLDER, `.${name}-`))
    fs.writeFileSync(path.join(staging, "handler.cjs"), code)
    // mkdtemp makes a private folder; the function's files must be readable by any user.
    fs.chmodSync(staging, 0o755)
    try {
      fs.renameSync(staging, folder)
    } catch {
      // Another run renamed the same content into place first.
      fs.rmSync(staging, { recursive: true, force: true })
    }
  }
  removeStaleBuilds(name, folder)
  return { folder, modulePath: `./${folder}/handler.cjs` }
}

/** Older builds of the handler, once no program that started with them can still be running. */
const removeStaleBuilds = (name: string, current: string) => {
  const hourAgo = Date.now() - 60 * 60 * 1000
  for (const entry of fs.readdirSync(BUILD_FOLDER)) {
    const folder = path.posix.join(BUILD_FOLDER, entry)
    if (folder !== current && entry.startsWith(`${name}-`) && fs.statSync(folder).mtimeMs < hourAgo) {
      fs.rmSync(folder, { recursive: true, force: true })
    }
  }
}
