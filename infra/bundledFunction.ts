/**
 * A Lambda function whose code is an esbuild bundle of one handler (handlerBundle.ts),
 * declared as an `aws.lambda.CallbackFunction` so Pulumi packages and uploads it.
 *
 * How @pulumi/aws and @pulumi/pulumi build the archive (lambda/lambdaMixins.js,
 * runtime/closure/*.js in node_modules), and what that asks of this file:
 * - `serializeFunction` writes the callback into `__index.js` and sets the handler to
 *   `__index.handler`; with `callbackFactory` the module exports what the factory returns.
 *   The factory below is `() => require(modulePath).handler`: `require` is one of the Node
 *   module globals the serializer leaves free, and the one captured value is a string, so
 *   `__index.js` is a few lines that load the bundle when Lambda loads the module. (Under
 *   vitest too, a `require()` inside a `callbackFactory` is the form that survives; see issue 4.)
 * - `computeCodePaths` adds every package in package.json `dependencies` and
 *   `optionalDependencies` (and what they depend on) under node_modules/, minus `extraExcludePackages` and @pulumi/*, plus each
 *   `extraIncludePaths` entry at the same relative path it is read from.
 */
import * as aws from "@pulumi/aws"
import type * as pulumi from "@pulumi/pulumi"
import * as fs from "node:fs"
import type { HandlerBundle } from "./handlerBundle.ts"

/** Everything in package.json `dependencies` is inside the bundle already, and what is in
 *  `optionalDependencies` (DuckDB, for `quest sql`) no handler loads: leave both out of the
 *  archive, which Pulumi would otherwise fill with those packages' folders (its package.json
 *  reader counts optional dependencies among the dependencies). */
const bundledPackages = (): Array<string> => {
  const pkg = JSON.parse(fs.readFileSync("package.json", "utf8")) as { dependencies?: object; optionalDependencies?: object }
  return [...Object.keys(pkg.dependencies ?? {}), ...Object.keys(pkg.optionalDependencies ?? {})]
}

const requireHandler = (modulePath: string) => () =>
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  require(modulePath).handler

export type BundledFunctionArgs = Omit<
  aws.lambda.CallbackFunctionArgs<unknown, unknown>,
  "callback" | "callbackFactory" | "codePathOptions" | "runtime"
>

export const bundledFunction = (
  name: string,
  bundle: HandlerBundle,
  args: BundledFunctionArgs,
  opts?: pulumi.CustomResourceOptions
) =>
  new aws.lambda.CallbackFunction(name, {
    ...args,
    runtime: aws.lambda.Runtime.NodeJS24dX,
    callbackFactory: requireHandler(bundle.modulePath),
    codePathOptions: {
      extraIncludePaths: [bundle.folder],
      extraExcludePackages: bundledPackages()
    }
  }, opts)
