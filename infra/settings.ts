/**
 * The stack's settings, read once at the top of the program, each through its setting's Config
 * (domain/settingSpecs.ts) over the stack's config, so a bad value fails `pulumi preview` with a
 * message instead of a failed deploy; checks across keys follow.
 */
import * as pulumi from "@pulumi/pulumi"
import type * as Config from "effect/Config"
import * as ConfigProvider from "effect/ConfigProvider"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import { checkContact } from "../domain/contact.ts"
import { blsBaseUrlRule, problemOf, type SettingSpec, settingSpecs, stackSpecs } from "../domain/settingSpecs.ts"
import { concurrentRuns } from "./surveyFanOut.ts"

/**
 * The queue keeps a message invisible for six times the consumer's timeout, as AWS advises
 * for Lambda event sources: a slow batch and its retries never overlap a second delivery.
 */
export const VISIBILITY_TIMEOUT_FACTOR = 6

/** A stack whose name says production (`Prod`, `team.production`, `Team.Prod_1`, `prd`, `live`) keeps its data when destroyed, unless told. */
export const isProductionStack = (stack: string) => /(^|[^a-z])(prod|production|prd|live)([^a-z]|$)/i.test(stack)

/** Stops the program with the setting's full name and the command that sets it. */
const fail = (key: string, problem: string, value = "<value>"): never => {
  const name = `${pulumi.getProject()}:${key}`
  throw new pulumi.RunError(`Config ${name}: ${problem}. Set it with \`pulumi config set ${name} ${value}\`.`)
}

/** A value a rule refuses: the value, and what it must be. */
const refuse = (key: string, value: unknown, rule: string | undefined, example?: string) =>
  fail(key, `${JSON.stringify(value)} is not valid: it must be ${rule}`, example)

/** The survey queue's maximumConcurrency: the runs in flight at once, at least SQS event sources' minimum of 2. */
export const surveyQueueConcurrency = (settings: Pick<StackSettings, "surveys" | "ingest">) => Math.max(2, concurrentRuns(settings))

const named = { ...settingSpecs, ...stackSpecs }
type StackKey = { [N in keyof typeof named]: (typeof named)[N] extends { readonly stack: true } ? N : never }[keyof typeof named]

export const readStackSettings = () => {
  const config = new pulumi.Config()
  const region = new pulumi.Config("aws").require("region")
  const stackKeys = Object.entries(named).filter(([, spec]) => spec.stack === true)
  const provider = ConfigProvider.fromUnknown(Object.fromEntries(stackKeys.map(([name, spec]) => [spec.env ?? name, config.get(name)])))
  /** A key's value (its default when unset), checked by its setting's Config. */
  const get = <N extends StackKey>(name: N): Config.Success<(typeof named)[N]["config"]> => {
    const spec: SettingSpec = named[name]
    const exit = Effect.runSyncExit(spec.config.parse(provider))
    if (Exit.isSuccess(exit)) return exit.value as never
    const error = exit.cause.reasons.find((reason) => reason._tag === "Fail")?.error
    return refuse(name, config.get(name), error ? problemOf(spec, error) : spec.rule)
  }

  // BLS must be able to reach whoever runs an unattended pipeline: never a placeholder left from an example.
  const contact = checkContact(config.get("contact") ?? "")
  if (contact.kind !== "ok") {
    const why = contact.kind === "placeholder" ? "BLS must be able to reach whoever runs this stack" : "BLS asks every script for an e-mail address or http(s) URL to reach whoever runs it"
    fail("contact", `${contact.problem}; ${why}`, "<your e-mail or URL>")
  }
  // S3 uses a key of its own region only.
  const kmsKeyArn = get("kmsKeyArn") || undefined
  const keyRegion = kmsKeyArn?.split(":")[3]
  if (keyRegion !== undefined && keyRegion !== region) {
    fail("kmsKeyArn", `the key is in ${keyRegion}, but the bucket is in ${region}, and S3 uses a key of its own region only`, "<key ARN>")
  }
  const surveys = get("surveys")
  const blsBaseUrl = get("blsBaseUrl") || undefined
  const oneDirectory = blsBaseUrlRule({ surveys, blsBaseUrl }, (key) => key)
  if (oneDirectory !== undefined) refuse("blsBaseUrl", blsBaseUrl, oneDirectory, '""')
  const ingest = {
    timeoutSeconds: get("ingestTimeoutSeconds"),
    memoryMb: get("ingestMemoryMb"),
    // Opt-in: an account's unreserved concurrency may not drop below 10, so on a new
    // account (often a quota of 10) any reservation fails the deploy.
    reservedConcurrency: get("ingestReservedConcurrency") || undefined,
    retryAttempts: get("ingestRetryAttempts"),
    maxConcurrency: get("ingestMaxConcurrency")
  }
  // A reservation below the queue's concurrency lets it start runs Lambda then throttles:
  // their messages may end in the failed-runs queue without ever running.
  const runs = surveyQueueConcurrency({ surveys, ingest })
  if (ingest.reservedConcurrency !== undefined && ingest.reservedConcurrency < runs) {
    fail(
      "ingestReservedConcurrency",
      `${ingest.reservedConcurrency} is below the ${runs} survey runs the queue may start at once (ingestMaxConcurrency, at least 2): ` +
        `Lambda would throttle the others, and their messages could end in the failed-runs queue without running; ` +
        `set 0 (no reservation) or at least ${runs}`,
      String(runs)
    )
  }
  const dataOnDestroy = get("dataOnDestroy")
  return {
    region,
    contact: contact.contact,
    surveys,
    blsRootUrl: get("blsRootUrl"),
    blsBaseUrl,
    populationUrl: get("populationUrl"),
    requestsPerSecond: get("requestsPerSecond"),
    concurrency: get("concurrency"),
    maxDeleteShare: get("maxDeleteShare"),
    schedule: get("schedule"),
    ingest,
    analytics: { timeoutSeconds: get("analyticsTimeoutSeconds"), memoryMb: get("analyticsMemoryMb") },
    analyticsBatchSize: get("analyticsBatchSize"),
    maxReceiveCount: get("maxReceiveCount"),
    noncurrentVersionDays: get("noncurrentVersionDays"),
    logRetentionDays: get("logRetentionDays"),
    kmsKeyArn,
    alarmEmail: get("alarmEmail") || undefined,
    /** `pulumi destroy` leaves the bucket, its data and its settings in the account (true), or empties and deletes it. */
    keepDataOnDestroy: dataOnDestroy === "keep" || (dataOnDestroy === "auto" && isProductionStack(pulumi.getStack())),
    roleBoundaryArn: get("roleBoundaryArn") || undefined,
    queryBytesScannedCutoffMb: get("queryBytesScannedCutoffMb")
  }
}

export type StackSettings = ReturnType<typeof readStackSettings>
export type FunctionSettings = StackSettings["analytics"]
