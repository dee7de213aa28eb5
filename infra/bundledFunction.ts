/**
 * A Lambda function whose code is an esbuild bundle of one handler (handlerBundle.ts),
 * declared as an `aws.lambda.CallbackFunction` so Pulumi packages and uploads it.
 *
 * What Pulumi serializes is only the factory below: `() => require(modulePath).handler`.
 * `require` is a Node module global, which the serializer leaves as a free name, and the
 * one captured value is a string, so the generated `__index.js` is three lines that load
 * the bundle when Lambda loads the module. Under vitest too, a `require()` inside a
 * `callbackFactory` is the one form that survives serialization (see issue 4).
 */
import * as aws from "@pulumi/aws"
import type * as pulumi from "@pulumi/pulumi"
import * as fs from "node:fs"
import type { HandlerBundle } from "./handlerBundle.ts"

/** Everything in package.json `dependencies` is inside the bundle already: leave it out of
 *  the archive, which Pulumi would otherwise fill with those packages' folders. */
const bundledPackages = (): Array<string> =>
  Object.keys((JSON.parse(fs.readFileSync("package.json", "utf8")) as { dependencies?: object }).dependencies ?? {})

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
    runtime: aws.lambda.Runtime.NodeJS22dX,
    callbackFactory: requireHandler(bundle.modulePath),
    codePathOptions: {
      extraIncludePaths: [bundle.folder],
      extraExcludePackages: bundledPackages()
    }
  }, opts)
