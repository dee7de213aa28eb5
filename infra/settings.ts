/**
 * The stack's settings, read once at the top of the program.
 *
 * Every key, its default and its rule come from the one table of settings
 * (domain/settingSpecs.ts), which Pulumi.yaml's `config:` block mirrors for the Pulumi CLI
 * (`npm run docs` writes it; test/docs.test.ts holds the two equal). Each value is checked here against the same
 * rule the CLI and the functions apply, so a bad value fails `pulumi preview` with a
 * message instead of a failed deploy; checks across keys follow.
 */
import * as pulumi from "@pulumi/pulumi"
import { checkContact } from "../domain/contact.ts"
import type { Settings } from "../domain/settings.ts"
import { decodeSetting, type SettingRule, type SettingSpec, settingSpecs, type SettingValue, stackSpecs } from "../domain/settingSpecs.ts"
import { concurrentRuns } from "./surveyFanOut.ts"

/**
 * The queue keeps a message invisible for six times the consumer's timeout, as AWS advises
 * for Lambda event sources: a slow batch and its retries never overlap a second delivery.
 */
export const VISIBILITY_TIMEOUT_FACTOR = 6

export interface FunctionSettings {
  readonly timeoutSeconds: number
  readonly memoryMb: number
}

export interface IngestSettings extends FunctionSettings {
  /** Concurrency reserved for the ingest; undefined reserves none (the default). */
  readonly reservedConcurrency: number | undefined
  /** Retries of a failed run (a survey's, or a manual invocation's): 0 or 1. */
  readonly retryAttempts: number
  /** Survey runs in flight at once (the survey queue's maximumConcurrency, at least 2). */
  readonly maxConcurrency: number
}

/**
 * A stack whose name says it is production (`prod`, `Prod`, `team.production`, `Team.Prod_1`,
 * `prd`, `live`) keeps its data when destroyed unless told otherwise; any other stack's
 * bucket is emptied and deleted with it.
 */
export const isProductionStack = (stack: string) => /(^|[^a-z])(prod|production|prd|live)([^a-z]|$)/i.test(stack)

/** The domain's own settings the stack passes to the ingest (as its QUEST_* environment). */
export interface StackSettings extends
  Pick<Settings, "contact" | "surveys" | "blsRootUrl" | "blsBaseUrl" | "populationUrl" | "requestsPerSecond" | "concurrency" | "maxDeleteShare">
{
  readonly region: string
  readonly schedule: string
  readonly ingest: IngestSettings
  readonly analytics: FunctionSettings
  readonly analyticsBatchSize: number
  readonly maxReceiveCount: number
  readonly noncurrentVersionDays: number
  readonly logRetentionDays: number
  /** Empty: SSE-S3. Otherwise the ARN of the KMS key that encrypts the bucket. */
  readonly kmsKeyArn: string | undefined
  /** Empty: no e-mail subscription on the alarm topic. */
  readonly alarmEmail: string | undefined
  /** `pulumi destroy` leaves the bucket, its data and its settings in the account (true), or empties and deletes it. */
  readonly keepDataOnDestroy: boolean
  /** The permissions boundary the functions' roles carry (github-oidc's functionBoundaryArn), if any. */
  readonly roleBoundaryArn: string | undefined
  /** An Athena query in the stack's workgroup that would scan more is cancelled. */
  readonly queryBytesScannedCutoffMb: number
}

/** Stops the program with the setting's full name and the command that sets it. */
const fail = (key: string, problem: string, value = "<value>"): never => {
  const name = `${pulumi.getProject()}:${key}`
  throw new pulumi.RunError(`Config ${name}: ${problem}. Set it with \`pulumi config set ${name} ${value}\`.`)
}

/**
 * BLS asks every script for a way to reach whoever runs it, and a deployed pipeline runs
 * unattended: only a real address will do, never a placeholder left from an example.
 */
const requireContact = (raw: string) => {
  const verdict = checkContact(raw)
  if (verdict.kind === "ok") return verdict.contact
  const why = verdict.kind === "placeholder"
    ? `${verdict.problem}; BLS must be able to reach whoever runs this stack`
    : `${verdict.problem}; BLS asks every script for an e-mail address or http(s) URL to reach whoever runs it`
  return fail("contact", why, "<your e-mail or URL>")
}

const keepDataOnDestroy = (value: string) => value === "keep" || (value === "auto" && isProductionStack(pulumi.getStack()))

const optional = (value: string) => (value === "" ? undefined : value)

/** What is wrong with `raw`, in the stack's words: `1200 is outside 1..900`. */
const problemOf = (rule: SettingRule, raw: string, problem: string) => {
  const n = raw.trim() === "" ? NaN : Number(raw)
  if (rule.kind === "number" && Number.isFinite(n) && rule.max !== undefined) return `${n} is outside ${rule.from ?? rule.above}..${rule.max}`
  return `${Number.isFinite(n) ? n : JSON.stringify(raw)} is not ${problem}`
}

/** The survey queue's maximumConcurrency: the runs in flight at once, at least SQS event sources' minimum of 2. */
export const surveyQueueConcurrency = (settings: Pick<StackSettings, "surveys" | "ingest">) =>
  Math.max(2, concurrentRuns(settings))

/**
 * A reservation below the survey queue's concurrency lets the mapping start runs Lambda
 * then throttles: their messages may end in the failed-runs queue without ever running.
 */
const checkReservation = (settings: Pick<StackSettings, "surveys" | "ingest">) => {
  const reserved = settings.ingest.reservedConcurrency
  const runs = surveyQueueConcurrency(settings)
  if (reserved !== undefined && reserved < runs) {
    fail(
      "ingestReservedConcurrency",
      `${reserved} is below the ${runs} survey runs the queue may start at once (ingestMaxConcurrency, at least 2): ` +
        `Lambda would throttle the others, and their messages could end in the failed-runs queue without running; ` +
        `set 0 (no reservation) or at least ${runs}`,
      String(runs)
    )
  }
}

/**
 * IAM matches a key policy statement to the key's own ARN, never to an alias of it, and S3
 * uses a key of its own region only: anything else would deny every read and write.
 */
const keyArnOf = (value: string | undefined, region: string) => {
  if (value === undefined) return undefined
  const key = /^arn:aws[a-z-]*:kms:([a-z0-9-]+):\d{12}:key\/(mrk-)?[0-9a-f-]+$/.exec(value)
  const hint = "the key's ARN, `aws kms describe-key --key-id <alias or id> --query KeyMetadata.Arn`"
  if (/^arn:aws[a-z-]*:kms:[^:]*:\d{12}:alias\//.test(value)) {
    return fail("kmsKeyArn", `"${value}" is an alias ARN, which IAM does not match to the key, so every read and write would be denied; pass ${hint}`, "<key ARN>")
  }
  if (key === null) return fail("kmsKeyArn", `"${value}" is not a KMS key ARN (arn:aws:kms:<region>:<account>:key/<key id>); pass ${hint}`, "<key ARN>")
  if (key[1] !== region) return fail("kmsKeyArn", `the key is in ${key[1]}, but the bucket is in ${region}, and S3 uses a key of its own region only`, "<key ARN>")
  return value
}

/** Every setting by name; the stack's keys are those marked `stack`. */
const named = { ...settingSpecs, ...stackSpecs }
type StackKey = { [N in keyof typeof named]: (typeof named)[N] extends { readonly stack: true } ? N : never }[keyof typeof named]

export const readStackSettings = (): StackSettings => {
  const config = new pulumi.Config()
  const region = new pulumi.Config("aws").require("region")
  /** A key's value (its default when unset), checked against its rule. */
  const get = <N extends StackKey>(name: N): SettingValue<(typeof named)[N]["rule"]> => {
    const spec: SettingSpec = named[name]
    const raw = config.get(name) ?? spec.default ?? ""
    const decoded = decodeSetting(spec.rule, raw)
    return "value" in decoded ? decoded.value as SettingValue<(typeof named)[N]["rule"]> : fail(name, problemOf(spec.rule, raw, decoded.problem))
  }

  // An unset contact (a stack file that removed the default) gets the same message and hint as an empty one.
  const contact = requireContact(config.get("contact") ?? "")
  const kmsKeyArn = keyArnOf(optional(get("kmsKeyArn")), region)
  const surveys = get("surveys")
  const blsBaseUrl = optional(get("blsBaseUrl"))
  if (blsBaseUrl !== undefined && surveys.length > 1) {
    fail("blsBaseUrl", `it names one directory, but surveys names ${surveys.length}; leave it empty and set blsRootUrl`, '""')
  }
  const ingest = {
    timeoutSeconds: get("ingestTimeoutSeconds"),
    memoryMb: get("ingestMemoryMb"),
    // Opt-in: an account's unreserved concurrency may not drop below 10, so on a new
    // account (often a quota of 10) any reservation fails the deploy.
    reservedConcurrency: get("ingestReservedConcurrency") || undefined,
    retryAttempts: get("ingestRetryAttempts"),
    maxConcurrency: get("ingestMaxConcurrency")
  }
  checkReservation({ surveys, ingest })

  return {
    region,
    contact,
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
    logRetentionDays: Number(get("logRetentionDays")),
    kmsKeyArn,
    alarmEmail: optional(get("alarmEmail")),
    keepDataOnDestroy: keepDataOnDestroy(get("dataOnDestroy")),
    roleBoundaryArn: optional(get("roleBoundaryArn")),
    queryBytesScannedCutoffMb: get("queryBytesScannedCutoffMb")
  }
}
