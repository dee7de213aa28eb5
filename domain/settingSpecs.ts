/**
 * Every setting, defined once: its environment variable and CLI flag (the pipeline's own),
 * whether the stack takes it (`pulumi config set bls-quest:<name>`), its unit, default and
 * meaning, and `config`, the Effect Config that reads and checks it — from the environment
 * (the CLI lays its flags over it) or from the stack's config, each behind a ConfigProvider.
 * --help, docs/configuration.md and Pulumi.yaml's `config:` block are written from here
 * (`npm run docs`; test/docs.test.ts holds them equal).
 */
import * as Config from "effect/Config"
import * as ConfigProvider from "effect/ConfigProvider"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Schema from "effect/Schema"
import type * as SchemaIssue from "effect/SchemaIssue"

/** Where BLS publishes its time series, one directory per survey (`pr/`, `cu/`, …). */
export const DEFAULT_BLS_ROOT_URL = "https://download.bls.gov/pub/time.series/"
export const DEFAULT_SURVEYS = "pr"
/** The productivity directory, which the reports read. */
export const DEFAULT_BLS_BASE_URL = `${DEFAULT_BLS_ROOT_URL}${DEFAULT_SURVEYS}/`
export const DEFAULT_POPULATION_URL =
  "https://honolulu-api.datausa.io/tesseract/data.jsonrecords?cube=acs_yg_total_population_1&drilldowns=Year%2CNation&locale=en&measures=Population"

/** What a value must be, in words (none: any text), and how its text is read and checked. */
interface Check<A> {
  readonly rule?: string
  readonly integer?: true
  readonly read: (path: string) => Config.Config<A>
}

const text: Check<string> = { read: (path) => Config.String(path) }
const checked = <A>(rule: string, schema: Schema.ConstraintCodec<A, unknown>, integer?: true): Check<A> =>
  ({ rule, integer, read: (path) => Config.schema(schema, path) })
const whole = (from: number, max?: number) =>
  checked(`a whole number from ${from}${max === undefined ? "" : ` to ${max}`}`, Schema.Int.check(Schema.isBetween({ minimum: from, maximum: max ?? Number.MAX_SAFE_INTEGER })), true)
const positive = checked("a number above 0", Schema.Finite.check(Schema.isGreaterThan(0)))
const share = checked("a number from 0 to 1", Schema.Finite.check(Schema.isBetween({ minimum: 0, maximum: 1 })))
const oneOf = <const L extends ReadonlyArray<string | number>>(values: L) => checked(`one of ${values.join(", ")}`, Schema.Literals(values))
/** Text that `finding` accepts (true, or nothing) or refuses (false, or what is wrong), and what it reads as. */
const shaped = <A = string>(rule: string, finding: (value: string) => Schema.FilterOutput, as: (value: string) => A = String as never): Check<NoInfer<A>> => ({
  rule,
  read: (path) => Config.schema(Schema.String.check(Schema.makeFilter(finding)), path).pipe(Config.map(as))
})

const url = shaped("an http(s) URL", (value) => /^https?:\/\/[^/]/i.test(value), (value) => value.endsWith("/") ? value : `${value}/`)

/** BLS's survey codes are two letters (pr, cu, la, oe…); a few more allow for what may come. */
const codesOf = (list: string) => [...new Set(list.split(",").map((code) => code.trim()).filter((code) => code !== ""))]
const surveys = shaped(
  "survey codes separated by commas, e.g. pr,cu,la (lower-case letters and digits, as in BLS's directory names)",
  (list) => {
    const bad = codesOf(list).find((code) => !/^[a-z][a-z0-9]{1,9}$/.test(code))
    return bad !== undefined ? `${JSON.stringify(bad)} is not a survey code` : codesOf(list).length > 0 || "no survey is named"
  },
  codesOf
)

/** IAM never matches a key policy to an alias; the stack checks the key's region, which it alone knows. */
const keyArn = shaped(
  "a KMS key's ARN (arn:aws:kms:<region>:<account>:key/<id>, in the stack's region, not an alias), or empty for SSE-S3",
  (value) =>
    /^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:key\/(mrk-)?[0-9a-f-]+$/.test(value) ||
    `${/:alias\//.test(value) ? "an alias ARN, which IAM does not match to the key, so every read and write would be denied; " : ""}` +
      "pass the key's ARN, `aws kms describe-key --key-id <alias or id> --query KeyMetadata.Arn`"
)

/** The retention periods CloudWatch Logs accepts. */
const LOG_RETENTION_DAYS = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653] as const

interface Fields {
  readonly env?: string
  readonly flag?: string
  /** A key of the stack's config under its own name (`bls-quest:<name>`). */
  readonly stack?: true
  readonly unit?: string
  /** As typed; undefined: none. */
  readonly default: string | undefined
  readonly description: string
}

export interface SettingSpec<A = unknown> extends Fields {
  /** What a value must be, in words; undefined: any text. */
  readonly rule?: string
  /** Pulumi.yaml declares it an integer. */
  readonly integer?: true
  /** Reads the value at `env` (the stack's own settings: at their name) and checks it; unset or empty: the default. */
  readonly config: Config.Config<A>
}

type Defined<T> = { readonly [K in keyof T]: Omit<T[K], "check"> & SettingSpec<T[K] extends { readonly check: Check<infer A> } ? A : string> }

const define = <const T extends Record<string, Fields & { readonly check?: Check<unknown> }>>(fields: T): Defined<T> =>
  Object.fromEntries(Object.entries(fields).map(([name, { check = text, ...spec }]) => {
    const path = spec.env ?? name
    const read = check.read(path)
    // Unset or empty: the default, read (only then, not at start-up) through the same check as any value.
    const fallback = () => spec.default ? read.parse(ConfigProvider.fromUnknown({ [path]: spec.default })) : Effect.succeed("")
    const config = Config.option(read).pipe(Config.mapEffect(Option.match({ onSome: Effect.succeed, onNone: fallback })))
    return [name, { ...spec, rule: check.rule, integer: check.integer, config }]
  })) as Defined<T>

/** The pipeline's settings: the CLI, the Lambda functions, the Deno entry and the Worker read them from the environment. */
export const settingSpecs = define({
  store: {
    env: "QUEST_STORE", flag: "--store", default: "./data",
    description: "Where data lives: a local folder, or s3://bucket/prefix (uses the standard AWS environment)"
  },
  contact: {
    env: "QUEST_CONTACT", flag: "--contact", stack: true, default: undefined,
    description: "Your e-mail or URL, sent in the User-Agent as BLS requires; required for sync and population, " +
      "and not on a domain reserved for examples (example.com, .test…)"
  },
  surveys: {
    env: "QUEST_SURVEYS", flag: "--surveys", stack: true, default: DEFAULT_SURVEYS, check: surveys,
    description: "BLS surveys to mirror, each from <root>/<survey>/ into bls/<survey>/; the reports read pr"
  },
  blsRootUrl: {
    env: "BLS_ROOT_URL", flag: "--bls-root-url", stack: true, default: DEFAULT_BLS_ROOT_URL, check: url,
    description: "The BLS directory that holds one directory per survey"
  },
  blsBaseUrl: {
    env: "BLS_BASE_URL", flag: "--bls-base-url", stack: true, default: undefined,
    description: "One directory page to mirror in place of <root>/<survey>/, for a single survey (unset: the root's)"
  },
  populationUrl: {
    env: "POPULATION_URL", flag: "--population-url", stack: true, default: DEFAULT_POPULATION_URL,
    description: "The DataUSA population API (current tesseract or retired /api/data shape)"
  },
  requestsPerSecond: {
    env: "QUEST_REQUESTS_PER_SECOND", flag: "--requests-per-second", stack: true, default: "2", check: positive,
    description: "Most requests per second sent upstream (may be fractional, e.g. 0.5); a stack shares it out among its survey runs"
  },
  concurrency: {
    env: "QUEST_CONCURRENCY", flag: "--concurrency", stack: true, default: "4", check: whole(1, 64),
    description: "Most downloads and store operations in flight at once"
  },
  maxDeleteShare: {
    env: "QUEST_MAX_DELETE_SHARE", flag: "--max-delete-share", stack: true, default: "0.5", check: share,
    description: "Largest share (0-1) of the mirror one sync may delete without --force"
  },
  maxRetries: {
    env: "QUEST_MAX_RETRIES", flag: "--max-retries", default: "5", check: whole(0),
    description: "Retries of a failed request (429, 5xx, timeouts, dropped connections)"
  },
  retryBaseMs: {
    env: "QUEST_RETRY_BASE_MS", flag: "--retry-base-ms", unit: "ms", default: "500", check: positive,
    description: "First backoff delay; doubles per retry with jitter, Retry-After wins"
  },
  timeoutMs: {
    env: "QUEST_TIMEOUT_MS", flag: "--timeout-ms", unit: "ms", default: "30000", check: positive,
    description: "Time allowed without progress: for a response's headers, and between body chunks; a stalled transfer is retried"
  },
  transferTimeoutMs: {
    env: "QUEST_TRANSFER_TIMEOUT_MS", flag: "--transfer-timeout-ms", unit: "ms", default: "600000", check: positive,
    description: "Time allowed for one whole download (headers and body); a transfer past it is retried"
  },
  maxReportDropShare: {
    env: "QUEST_MAX_REPORT_DROP_SHARE", flag: "--max-report-drop-share", default: "0.5", check: share,
    description: "Largest share (0-1) by which the BLS rows or series may fall against the last stored report before the reports refuse the input; 1 never refuses"
  }
})

/** The stack's own settings (`pulumi config set bls-quest:<key>`): how the functions, queues and bucket are sized and kept. */
export const stackSpecs = define({
  schedule: { stack: true, default: "cron(0 6 * * ? *)", description: "When the ingest runs (EventBridge schedule expression, UTC)" },
  // A Lambda function runs at most 15 minutes.
  ingestTimeoutSeconds: { stack: true, unit: "seconds", default: "900", description: "Timeout of the ingest function", check: whole(1, 900) },
  ingestMemoryMb: { stack: true, unit: "MB", default: "512", description: "Memory of the ingest function", check: whole(128, 10_240) },
  ingestReservedConcurrency: {
    stack: true, default: "0", check: whole(0, 1000),
    description: "Concurrency reserved for the ingest; 0 reserves none. Otherwise at least the survey runs the queue starts at once " +
      "(ingestMaxConcurrency, no more than there are surveys, at least 2). An account must keep 10 unreserved, " +
      "so new accounts (quota often 10) refuse any reservation"
  },
  ingestRetryAttempts: {
    stack: true, default: "0", check: whole(0, 1),
    description: "Times a failed survey run is retried (0 or 1); a run that still fails goes to the failed-runs queue and raises an alarm naming its survey"
  },
  // SQS event sources allow 2 to 1000.
  ingestMaxConcurrency: {
    stack: true, default: "2", check: whole(2, 1000),
    description: "Survey runs in flight at once (the survey queue's maximumConcurrency); the request rate and concurrency are shared out among them"
  },
  analyticsTimeoutSeconds: {
    stack: true, unit: "seconds", default: "120", check: whole(1, 900),
    description: "Timeout of the analytics function; the queue's visibility timeout is six times this"
  },
  analyticsMemoryMb: { stack: true, unit: "MB", default: "1024", description: "Memory of the analytics function (more memory also means more CPU)", check: whole(128, 10_240) },
  analyticsBatchSize: { stack: true, default: "10", description: "Queue messages handed to one analytics invocation at most", check: whole(1, 10) },
  maxReceiveCount: { stack: true, default: "3", description: "Deliveries of a queue message before it moves to the dead-letter queue", check: whole(1, 1000) },
  noncurrentVersionDays: { stack: true, unit: "days", default: "30", description: "Age at which a replaced or deleted object version expires", check: whole(1, 3650) },
  logRetentionDays: {
    stack: true, unit: "days", default: "30", check: oneOf(LOG_RETENTION_DAYS),
    description: "How long the functions' logs are kept (a value CloudWatch Logs accepts)"
  },
  kmsKeyArn: { stack: true, default: "", description: "The KMS key that encrypts the data bucket (SSE-KMS)", check: keyArn },
  alarmEmail: {
    stack: true, default: "", description: "Who the alarm topic e-mails",
    check: shaped("an e-mail address, or empty for none", (value) => /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(value))
  },
  roleBoundaryArn: {
    stack: true, default: "",
    check: shaped("an IAM policy's ARN (arn:aws:iam::<account>:policy/<name>), or empty for none", (value) => /^arn:aws[a-z-]*:iam::\d{12}:policy\/\S+$/.test(value)),
    description: "The permissions boundary the functions' roles carry; required when deploying with the GitHub deploy role " +
      "(the github-oidc output functionBoundaryArn)"
  },
  queryBytesScannedCutoffMb: {
    stack: true, unit: "MB", default: "10240", check: whole(10, 1_000_000_000),
    description: "An Athena query in the stack's workgroup that would scan more is cancelled, so a careless query cannot run up a bill " +
      "(Athena bills by the bytes scanned)"
  },
  dataOnDestroy: {
    stack: true, default: "auto", check: oneOf(["auto", "keep", "delete"]),
    description: "What `pulumi destroy` does with the data bucket: keep leaves it with its data; delete empties and deletes it; " +
      "auto keeps it when the stack's name says production (prod, production, prd, live)"
  }
})

/**
 * blsBaseUrl names one survey's directory, so it must be unset when several surveys are named:
 * the rule it breaks, in the names `nameOf` gives (variables for the CLI, keys for the stack), or undefined.
 */
export const blsBaseUrlRule = (
  { surveys, blsBaseUrl }: { readonly surveys: ReadonlyArray<string>; readonly blsBaseUrl: string | undefined },
  nameOf: (setting: "surveys" | "blsRootUrl") => string
): string | undefined =>
  blsBaseUrl && surveys.length > 1
    ? `unset when ${nameOf("surveys")} names several surveys (set ${nameOf("blsRootUrl")} to the directory that holds them)`
    : undefined

/** Every setting by name: the pipeline's, then the stack's own. */
export const allSettings = Object.entries({ ...settingSpecs, ...stackSpecs }) as ReadonlyArray<readonly [string, SettingSpec]>

const findingOf = (issue: SchemaIssue.Issue): string | undefined =>
  issue._tag === "InvalidValue" ? issue.annotations?.message as string | undefined
    : "issue" in issue ? findingOf(issue.issue)
    : "issues" in issue ? issue.issues.map(findingOf).find(Boolean)
    : undefined

/** What a refused value must be, with the check's own finding where it has one: `…; "x" is not a survey code`. */
export const problemOf = (spec: SettingSpec, error: Config.ConfigError): string =>
  [spec.rule ?? "any text", error.cause instanceof Schema.SchemaError ? findingOf(error.cause.issue) : undefined].filter(Boolean).join("; ")

/** A setting's meaning in full: what it is, its unit, and what a value must be. */
export const meaningOf = (spec: SettingSpec): string =>
  `${spec.description}${spec.unit === undefined ? "" : ` (${spec.unit})`}${spec.rule === undefined ? "" : `; ${spec.rule}`}.`

const cell = (value: string | undefined) => (value ? `\`${value}\`` : "")

/** The configuration reference (docs/configuration.md): one row per setting. */
export const configurationReference = (): string =>
  [
    "# Configuration",
    "",
    "Generated from `domain/settingSpecs.ts` by `npm run docs` (test/docs.test.ts fails when this page is stale).",
    "The CLI takes a flag or its environment variable (a flag wins); the deployed functions read",
    "the variables the stack sets from its keys (`pulumi config set bls-quest:<key> <value>`).",
    "",
    "| Setting | Flag | Environment variable | Stack key | Default | Meaning |",
    "|---|---|---|---|---|---|",
    ...allSettings.map(([name, spec]) =>
      `| ${name} | ${cell(spec.flag)} | ${cell(spec.env)} | ${cell(spec.stack && name)} | ` +
      `${cell(spec.default)} | ${meaningOf(spec).replaceAll("<", "&lt;")} |`
    ),
    ""
  ].join("\n")
