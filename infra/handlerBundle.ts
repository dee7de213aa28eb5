/**
 * Bundles a Lambda handler with esbuild while the Pulumi program runs, so `pulumi up` and
 * `pulumi preview` need no separate build step and always ship the handler's current code.
 *
 * Why a bundle at all: Pulumi's function serializer captures project modules by value and
 * fails inside Effect ("Unexpected missing variable in closure environment"), and closures
 * over ESM imports are serialized by value too (pulumi/pulumi#18977). So the function that
 * Pulumi serializes only `require()`s this bundle (see lambdaFunction.ts), and the bundle
 * carries the handler with every package it imports — the AWS SDK included, so the code
 * that runs is the code the tests ran, not whatever SDK version the runtime ships.
 */
import { buildSync } from "esbuild"
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

/**
 * Builds `entry` into `.pulumi-build/<name>/handler.cjs`. CommonJS because the serialized
 * entry Pulumi writes (`__index.js`) is CommonJS and loads the bundle with `require()`.
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
  const folder = path.posix.join(BUILD_FOLDER, name)
  fs.rmSync(folder, { recursive: true, force: true })
  const outfile = path.posix.join(folder, "handler.cjs")
  buildSync({
    entryPoints: [entry],
    outfile,
    bundle: true,
    platform: "node",
    target: "node22",
    format: "cjs",
    minify: true,
    // Error class names show in logs and typed-error tags; keep them readable.
    keepNames: true,
    legalComments: "eof",
    logLevel: "error"
  })
  return { folder, modulePath: `./${outfile}` }
}
