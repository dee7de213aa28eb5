/**
 * One handler of handlers/ as a Lambda function with its own log group (retention set,
 * JSON format) and its own role, its code an esbuild bundle made while the program runs:
 * `pulumi up` needs no build step and always ships the handler's current code.
 *
 * Why a bundle: Pulumi's function serializer captures project modules by value and fails
 * inside Effect ("Unexpected missing variable in closure environment"), and closures over
 * ESM imports are serialized by value too (pulumi/pulumi#18977). So the serialized entry
 * (`__index.js`, written from `callbackFactory`) only `require()`s the bundle — `require`
 * is a module global the serializer leaves free, the path a captured string — and the
 * bundle carries every package the handler imports, the AWS SDK included, so the code that
 * runs is the code the tests ran. Loading it is most of a cold start, mostly V8 compiling
 * its source, so it is minified, with no source map (test/infra/lambdaArchive.test.ts
 * holds each bundle to 150 ms of loading and 1 MB zipped).
 */
import * as aws from "@pulumi/aws"
import * as pulumi from "@pulumi/pulumi"
import { buildSync } from "esbuild"
import { createHash } from "node:crypto"
import * as fs from "node:fs"
import * as path from "node:path"
import { assumedByLambda, type PolicyDocument } from "./accessPolicies.ts"
import type { FunctionSettings, StackSettings } from "./settings.ts"

/** Ignored by git (.gitignore). */
const BUILD_FOLDER = ".pulumi-build"

/**
 * Builds `entry` into `.pulumi-build/<name>-<content hash>/handler.cjs`, written whole by a
 * rename, so programs that run at once (test files in parallel) never see each other's
 * half-written or deleted files; returns that folder.
 */
const bundleHandler = (name: string, entry: string): string => {
  // Archive paths are relative to the working directory: anywhere else they would carry `../`.
  if (!fs.existsSync("Pulumi.yaml")) {
    throw new Error(
      `Bundling the ${name} handler needs the project root as working directory (where Pulumi.yaml is), ` +
        `but it is ${process.cwd()}. Run pulumi (or the tests) from the project root.`
    )
  }
  const code = buildSync({
    entryPoints: [entry],
    outfile: "handler.cjs",
    write: false,
    bundle: true,
    platform: "node",
    target: "node24",
    format: "cjs",
    minify: true,
    // Module builds first: esbuild drops what they do not use (the SDK's CommonJS build brings every S3 command).
    mainFields: ["module", "main"],
    // Node has fetch: node-fetch-native's `native` entry is it, without the ~120 KB polyfill.
    // linkedom's CSS parser (a fifth of the ingest's bundle) waits until a page has a style to parse.
    alias: { "node-fetch-native": "node-fetch-native/native", "cssomnom/parse": "./infra/cssomnomParse.cjs" },
    legalComments: "eof",
    logLevel: "error"
  }).outputFiles[0]!.contents
  const folder = path.posix.join(BUILD_FOLDER, `${name}-${createHash("sha256").update(code).digest("hex").slice(0, 12)}`)
  if (!fs.existsSync(folder)) {
    fs.mkdirSync(BUILD_FOLDER, { recursive: true })
    const staging = fs.mkdtempSync(path.join(BUILD_FOLDER, `.${name}-`))
    fs.writeFileSync(path.join(staging, "handler.cjs"), code)
    fs.chmodSync(staging, 0o755) // mkdtemp's folder is private; the function's files must be readable by any user
    try {
      fs.renameSync(staging, folder)
    } catch {
      fs.rmSync(staging, { recursive: true, force: true }) // another run renamed the same content into place first
    }
  }
  // Older builds of the handler, once no program that started with them can still be running.
  for (const entry of fs.readdirSync(BUILD_FOLDER)) {
    const old = path.posix.join(BUILD_FOLDER, entry)
    if (old !== folder && entry.startsWith(`${name}-`) && fs.statSync(old).mtimeMs < Date.now() - 3_600_000) {
      fs.rmSync(old, { recursive: true, force: true })
    }
  }
  return folder
}

/**
 * Pulumi adds every package of package.json's `dependencies` and `optionalDependencies` to
 * the archive; the bundle holds the first already, and no handler loads the second (DuckDB).
 */
const packagesLeftOut = (): Array<string> => {
  const pkg = JSON.parse(fs.readFileSync("package.json", "utf8")) as { dependencies?: object; optionalDependencies?: object }
  return [...Object.keys(pkg.dependencies ?? {}), ...Object.keys(pkg.optionalDependencies ?? {})]
}

export interface LambdaFunction {
  readonly function: aws.lambda.Function
  readonly logGroup: aws.cloudwatch.LogGroup
  readonly rolePolicy: aws.iam.RolePolicy
}

export const lambdaFunction = (
  prefix: string,
  settings: StackSettings,
  parts: {
    readonly name: string
    readonly entry: string
    readonly description: string
    readonly sizing: FunctionSettings
    readonly environment: pulumi.Input<Record<string, pulumi.Input<string>>>
    readonly policy: (logGroupArn: string) => pulumi.Input<PolicyDocument>
    readonly reservedConcurrentExecutions?: number | undefined
  },
  opts: { readonly parent: pulumi.Resource }
): LambdaFunction => {
  // Named, not auto-named: the function's name is the one its log group is named after.
  const name = `${prefix}-${parts.name}`
  // Declared here (retention set, deleted with the stack), not made by Lambda on first run and kept forever.
  const logGroup = new aws.cloudwatch.LogGroup(name, { name: `/aws/lambda/${name}`, retentionInDays: settings.logRetentionDays }, opts)
  const role = new aws.iam.Role(name, {
    assumeRolePolicy: JSON.stringify(assumedByLambda),
    // The ceiling the GitHub deploy role demands on every role it creates (github-oidc/).
    permissionsBoundary: settings.roleBoundaryArn
  }, opts)
  const rolePolicy = new aws.iam.RolePolicy(name, { role: role.id, policy: pulumi.jsonStringify(logGroup.arn.apply(parts.policy)) }, opts)
  const folder = bundleHandler(parts.name, parts.entry)
  const modulePath = `./${folder}/handler.cjs`
  const fn = new aws.lambda.CallbackFunction(name, {
    name,
    description: parts.description,
    role: role.arn,
    timeout: parts.sizing.timeoutSeconds,
    memorySize: parts.sizing.memoryMb,
    architectures: ["arm64"],
    environment: { variables: parts.environment },
    loggingConfig: { logFormat: "JSON", logGroup: logGroup.name, applicationLogLevel: "INFO", systemLogLevel: "WARN" },
    ...(parts.reservedConcurrentExecutions === undefined ? {} : { reservedConcurrentExecutions: parts.reservedConcurrentExecutions }),
    runtime: aws.lambda.Runtime.NodeJS24dX,
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    callbackFactory: () => require(modulePath).handler,
    // An `extraIncludePaths` entry is both the path read and the path inside the archive.
    codePathOptions: { extraIncludePaths: [folder], extraExcludePackages: packagesLeftOut() }
  }, { ...opts, dependsOn: [rolePolicy, logGroup] })
  return { function: fn, logGroup, rolePolicy }
}
