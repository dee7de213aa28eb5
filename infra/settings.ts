/**
 * The stack's settings, read once at the top of the program.
 *
 * Pulumi.yaml declares every key with its type, default and description; the Pulumi CLI
 * applies those defaults before the program runs, so here every key is `require`d and the
 * defaults live in one place. (The mock tests load Pulumi.yaml and Pulumi.dev.yaml the
 * same way: test/infra/stackConfig.ts.) Checks that the schema cannot express are made
 * here, so a bad value fails `pulumi preview` with a message instead of a failed deploy.
 */
import * as pulumi from "@pulumi/pulumi"
import { checkContact } from "../domain/contact.ts"
import { parseSurveys, type Settings, SURVEYS_RULE } from "../domain/settings.ts"
import { concurrentRuns } from "./surveyFanOut.ts"

/** The retention periods CloudWatch Logs accepts. */
const LOG_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653
]

/** A Lambda function runs at most 15 minutes. */
const LAMBDA_MAX_TIMEOUT_SECONDS = 900

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
  /** An Athena query that would scan more is cancelled (Athena's minimum is 10 MB). */
  readonly queryBytesScannedCutoffMb: number
  /** `pulumi destroy` leaves the bucket, its data and its settings in the account (true), or empties and deletes it. */
  readonly keepDataOnDestroy: boolean
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

const inRange = (key: string, value: number, min: number, max: number) =>
  value >= min && value <= max ? value : fail(key, `${value} is outside ${min}..${max}`)

const DATA_ON_DESTROY = ["auto", "keep", "delete"]

const keepDataOnDestroy = (value: string) => {
  if (!DATA_ON_DESTROY.includes(value)) fail("dataOnDestroy", `"${value}" is not one of ${DATA_ON_DESTROY.join(", ")}`, "keep")
  return value === "keep" || (value === "auto" && isProductionStack(pulumi.getStack()))
}

/** A string setting that holds a number, for the fractional ones the schema cannot type. */
const positive = (key: string, value: string) => {
  const parsed = Number(value)
  return value.trim() !== "" && Number.isFinite(parsed) && parsed > 0 ? parsed : fail(key, `"${value}" is not a number above 0`)
}

const optional = (value: string) => (value.trim() === "" ? undefined : value.trim())

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

const surveysOf = (value: string) => {
  const parsed = parseSurveys(value)
  return "codes" in parsed ? parsed.codes : fail("surveys", `${parsed.problem}; it must be ${SURVEYS_RULE}`, "pr,cu")
}

export const readStackSettings = (): StackSettings => {
  const config = new pulumi.Config()
  const region = new pulumi.Config("aws").require("region")
  const number = (key: string, min: number, max: number) => inRange(key, config.requireNumber(key), min, max)

  const analytics = {
    // Six times the longest Lambda timeout stays under SQS's 12-hour visibility cap.
    timeoutSeconds: number("analyticsTimeoutSeconds", 1, LAMBDA_MAX_TIMEOUT_SECONDS),
    memoryMb: number("analyticsMemoryMb", 128, 10_240)
  }
  const logRetentionDays = config.requireNumber("logRetentionDays")
  if (!LOG_RETENTION_DAYS.includes(logRetentionDays)) {
    fail("logRetentionDays", `${logRetentionDays} is not one of ${LOG_RETENTION_DAYS.join(", ")}`)
  }
  // `get`, not `require`: an unset contact (a stack file that removed the default) gets
  // the same message and hint as an empty one.
  const contact = requireContact(config.get("contact") ?? "")
  const kmsKeyArn = keyArnOf(optional(config.require("kmsKeyArn")), region)
  const surveys = surveysOf(config.require("surveys"))
  const blsBaseUrl = optional(config.require("blsBaseUrl"))
  if (blsBaseUrl !== undefined && surveys.length > 1) {
    fail("blsBaseUrl", `it names one directory, but surveys names ${surveys.length}; leave it empty and set blsRootUrl`, '""')
  }
  const ingest = {
    timeoutSeconds: number("ingestTimeoutSeconds", 1, LAMBDA_MAX_TIMEOUT_SECONDS),
    memoryMb: number("ingestMemoryMb", 128, 10_240),
    // Opt-in: an account's unreserved concurrency may not drop below 10, so on a new
    // account (often a quota of 10) any reservation fails the deploy.
    reservedConcurrency: number("ingestReservedConcurrency", 0, 1000) || undefined,
    retryAttempts: number("ingestRetryAttempts", 0, 1),
    // SQS event sources allow 2 to 1000.
    maxConcurrency: number("ingestMaxConcurrency", 2, 1000)
  }
  checkReservation({ surveys, ingest })

  return {
    region,
    contact,
    surveys,
    blsRootUrl: config.require("blsRootUrl").replace(/\/?$/, "/"),
    blsBaseUrl,
    populationUrl: config.require("populationUrl"),
    requestsPerSecond: positive("requestsPerSecond", config.require("requestsPerSecond")),
    concurrency: number("concurrency", 1, 64),
    maxDeleteShare: number("maxDeletePercent", 0, 100) / 100,
    schedule: config.require("schedule"),
    ingest,
    analytics,
    analyticsBatchSize: number("analyticsBatchSize", 1, 10),
    maxReceiveCount: number("maxReceiveCount", 1, 1000),
    noncurrentVersionDays: number("noncurrentVersionDays", 1, 3650),
    logRetentionDays,
    kmsKeyArn,
    alarmEmail: optional(config.require("alarmEmail")),
    keepDataOnDestroy: keepDataOnDestroy(config.require("dataOnDestroy")),
    queryBytesScannedCutoffMb: number("queryBytesScannedCutoffMb", 10, 1_000_000_000)
  }
}
