/**
 * Every setting in one table, by name: its environment variable and CLI flag (the pipeline's
 * own), whether the stack takes it (as `pulumi config set bls-quest:<name>`), its unit,
 * default, meaning and rule. The
 * CLI's flags and --help, the environment the Lambda functions and the Deno entry read,
 * Pulumi.yaml's `config:` block (written by `npm run docs`, held by test/docs.test.ts) and
 * docs/configuration.md are all derived from here. Plain data, free of Effect: `quest
 * --help` and the Deno launcher read it without loading the runtime.
 */
/** Where BLS publishes its time series, one directory per survey (`pr/`, `cu/`, …). */
export const DEFAULT_BLS_ROOT_URL = "https://download.bls.gov/pub/time.series/"
export const DEFAULT_SURVEYS = "pr"
/** The productivity directory, which the reports read. */
export const DEFAULT_BLS_BASE_URL = `${DEFAULT_BLS_ROOT_URL}${DEFAULT_SURVEYS}/`
export const DEFAULT_POPULATION_URL =
  "https://honolulu-api.datausa.io/tesseract/data.jsonrecords?cube=acs_yg_total_population_1&drilldowns=Year%2CNation&locale=en&measures=Population"

/** What a value must be. Numbers: `from` is the least allowed, `above` the bound it must exceed. */
export type SettingRule =
  | { readonly kind: "text" }
  | { readonly kind: "url" }
  | { readonly kind: "surveys" }
  | { readonly kind: "number"; readonly integer?: boolean; readonly from?: number; readonly above?: number; readonly max?: number }
  | { readonly kind: "oneOf"; readonly values: ReadonlyArray<string> }

export interface SettingSpec {
  readonly env?: string
  readonly flag?: string
  /** A key of the stack's config under its own name (`bls-quest:<name>`). */
  readonly stack?: true
  readonly unit?: string
  /** As typed; undefined: none. */
  readonly default: string | undefined
  readonly description: string
  readonly rule: SettingRule
}

const text = { kind: "text" } as const
const whole = (from: number, max?: number) => ({ kind: "number", integer: true, from, ...(max === undefined ? {} : { max }) }) as const
const positive = { kind: "number", above: 0 } as const
const share = { kind: "number", from: 0, max: 1 } as const

/** The pipeline's settings: the CLI, the Lambda functions and the Deno entry read them from the environment. */
export const settingSpecs = {
  store: {
    env: "QUEST_STORE",
    flag: "--store",
    default: "./data",
    description: "Where data lives: a local folder, or s3://bucket/prefix (uses the standard AWS environment)",
    rule: text
  },
  contact: {
    env: "QUEST_CONTACT",
    flag: "--contact",
    stack: true,
    default: undefined,
    description: "Your e-mail or URL, sent in the User-Agent as BLS requires; required for sync and population, " +
      "and not on a domain reserved for examples (example.com, .test…)",
    rule: text
  },
  surveys: {
    env: "QUEST_SURVEYS",
    flag: "--surveys",
    stack: true,
    default: DEFAULT_SURVEYS,
    description: "BLS surveys to mirror, each from <root>/<survey>/ into bls/<survey>/; the reports read pr",
    rule: { kind: "surveys" }
  },
  blsRootUrl: {
    env: "BLS_ROOT_URL",
    flag: "--bls-root-url",
    stack: true,
    default: DEFAULT_BLS_ROOT_URL,
    description: "The BLS directory that holds one directory per survey",
    rule: { kind: "url" }
  },
  blsBaseUrl: {
    env: "BLS_BASE_URL",
    flag: "--bls-base-url",
    stack: true,
    default: undefined,
    description: "One directory page to mirror in place of <root>/<survey>/, for a single survey (unset: the root's)",
    rule: text
  },
  populationUrl: {
    env: "POPULATION_URL",
    flag: "--population-url",
    stack: true,
    default: DEFAULT_POPULATION_URL,
    description: "The DataUSA population API (current tesseract or retired /api/data shape)",
    rule: text
  },
  requestsPerSecond: {
    env: "QUEST_REQUESTS_PER_SECOND",
    flag: "--requests-per-second",
    stack: true,
    default: "2",
    description: "Most requests per second sent upstream (may be fractional, e.g. 0.5); a stack shares it out among its survey runs",
    rule: positive
  },
  concurrency: {
    env: "QUEST_CONCURRENCY",
    flag: "--concurrency",
    stack: true,
    default: "4",
    description: "Most downloads and store operations in flight at once",
    rule: whole(1, 64)
  },
  maxDeleteShare: {
    env: "QUEST_MAX_DELETE_SHARE",
    flag: "--max-delete-share",
    stack: true,
    default: "0.5",
    description: "Largest share (0-1) of the mirror one sync may delete without --force",
    rule: share
  },
  maxRetries: {
    env: "QUEST_MAX_RETRIES",
    flag: "--max-retries",
    default: "5",
    description: "Retries of a failed request (429, 5xx, timeouts, dropped connections)",
    rule: whole(0)
  },
  retryBaseMs: {
    env: "QUEST_RETRY_BASE_MS",
    flag: "--retry-base-ms",
    unit: "ms",
    default: "500",
    description: "First backoff delay; doubles per retry with jitter, Retry-After wins",
    rule: positive
  },
  timeoutMs: {
    env: "QUEST_TIMEOUT_MS",
    flag: "--timeout-ms",
    unit: "ms",
    default: "30000",
    description: "Time allowed without progress: for a response's headers, and between body chunks; a stalled transfer is retried",
    rule: positive
  },
  transferTimeoutMs: {
    env: "QUEST_TRANSFER_TIMEOUT_MS",
    flag: "--transfer-timeout-ms",
    unit: "ms",
    default: "600000",
    description: "Time allowed for one whole download (headers and body); a transfer past it is retried",
    rule: positive
  },
  maxReportDropShare: {
    env: "QUEST_MAX_REPORT_DROP_SHARE",
    flag: "--max-report-drop-share",
    default: "0.5",
    description: "Largest share (0-1) by which the BLS rows or series may fall against the last stored report before the reports refuse the input; 1 never refuses",
    rule: share
  }
} as const satisfies Record<string, SettingSpec & { readonly env: string; readonly flag: string }>

/** The retention periods CloudWatch Logs accepts. */
const LOG_RETENTION_DAYS = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653]

/** The stack's own settings (`pulumi config set bls-quest:<key>`): how the functions, queues and bucket are sized and kept. */
export const stackSpecs = {
  schedule: { stack: true, default: "cron(0 6 * * ? *)", description: "When the ingest runs (EventBridge schedule expression, UTC)", rule: text },
  // A Lambda function runs at most 15 minutes.
  ingestTimeoutSeconds: { stack: true, unit: "seconds", default: "900", description: "Timeout of the ingest function", rule: whole(1, 900) },
  ingestMemoryMb: { stack: true, unit: "MB", default: "512", description: "Memory of the ingest function", rule: whole(128, 10_240) },
  ingestReservedConcurrency: {
    stack: true,
    default: "0",
    description: "Concurrency reserved for the ingest; 0 reserves none. Otherwise at least the survey runs the queue starts at once " +
      "(ingestMaxConcurrency, no more than there are surveys, at least 2). An account must keep 10 unreserved, " +
      "so new accounts (quota often 10) refuse any reservation",
    rule: whole(0, 1000)
  },
  ingestRetryAttempts: {
    stack: true,
    default: "0",
    description: "Times a failed survey run is retried (0 or 1); a run that still fails goes to the failed-runs queue and raises an alarm naming its survey",
    rule: whole(0, 1)
  },
  ingestMaxConcurrency: {
    stack: true,
    default: "2",
    description: "Survey runs in flight at once (the survey queue's maximumConcurrency); the request rate and concurrency are shared out among them",
    // SQS event sources allow 2 to 1000.
    rule: whole(2, 1000)
  },
  analyticsTimeoutSeconds: {
    stack: true,
    unit: "seconds",
    default: "120",
    description: "Timeout of the analytics function; the queue's visibility timeout is six times this",
    rule: whole(1, 900)
  },
  analyticsMemoryMb: { stack: true, unit: "MB", default: "1024", description: "Memory of the analytics function (more memory also means more CPU)", rule: whole(128, 10_240) },
  analyticsBatchSize: { stack: true, default: "10", description: "Queue messages handed to one analytics invocation at most", rule: whole(1, 10) },
  maxReceiveCount: { stack: true, default: "3", description: "Deliveries of a queue message before it moves to the dead-letter queue", rule: whole(1, 1000) },
  noncurrentVersionDays: { stack: true, unit: "days", default: "30", description: "Age at which a replaced or deleted object version expires", rule: whole(1, 3650) },
  logRetentionDays: {
    stack: true,
    unit: "days",
    default: "30",
    description: "How long the functions' logs are kept (a value CloudWatch Logs accepts)",
    rule: { kind: "oneOf", values: LOG_RETENTION_DAYS.map(String) }
  },
  kmsKeyArn: {
    stack: true,
    default: "",
    description: "ARN of a KMS key (arn:aws:kms:<region>:<account>:key/<id>, in the stack's region, not an alias) to encrypt the data bucket with (SSE-KMS); empty for SSE-S3",
    rule: text
  },
  alarmEmail: { stack: true, default: "", description: "E-mail address subscribed to the alarm topic; empty for none", rule: text },
  roleBoundaryArn: {
    stack: true,
    default: "",
    description: "ARN of the permissions boundary the functions' roles carry; required when deploying with the GitHub deploy role " +
      "(the github-oidc output functionBoundaryArn), empty otherwise",
    rule: text
  },
  queryBytesScannedCutoffMb: {
    stack: true,
    unit: "MB",
    default: "10240",
    description: "An Athena query in the stack's workgroup that would scan more is cancelled, so a careless query cannot run up a bill " +
      "(Athena bills by the bytes scanned)",
    rule: whole(10, 1_000_000_000)
  },
  dataOnDestroy: {
    stack: true,
    default: "auto",
    description: "What `pulumi destroy` does with the data bucket: keep leaves it with its data; delete empties and deletes it; " +
      "auto keeps it when the stack's name says production (prod, production, prd, live)",
    rule: { kind: "oneOf", values: ["auto", "keep", "delete"] }
  }
} as const satisfies Record<string, SettingSpec & { readonly stack: true }>

/** What a value must be, in words: "a whole number from 1 to 64". */
export const ruleText = (rule: SettingRule): string => {
  switch (rule.kind) {
    case "text":
      return "any text"
    case "url":
      return "an http(s) URL"
    case "surveys":
      return "survey codes separated by commas, e.g. pr,cu,la (lower-case letters and digits, as in BLS's directory names)"
    case "oneOf":
      return `one of ${rule.values.join(", ")}`
    case "number": {
      const bound = rule.above === undefined ? `from ${rule.from ?? 0}` : `above ${rule.above}`
      return `a ${rule.integer === true ? "whole " : ""}number ${bound}${rule.max === undefined ? "" : ` to ${rule.max}`}`
    }
  }
}

/** BLS's survey codes are two letters (pr, cu, la, oe…); a few more allow for what may come. */
const SURVEY_CODE = /^[a-z][a-z0-9]{1,9}$/

/** What a rule's values decode to. */
export type SettingValue<R extends SettingRule> = R extends { readonly kind: "number" } ? number
  : R extends { readonly kind: "surveys" } ? ReadonlyArray<string>
  : string

export type Decoded<A> = { readonly value: A } | { readonly problem: string }

/** The survey codes a list names, without repeats, or what is wrong with it. */
const parseSurveys = (value: string): Decoded<ReadonlyArray<string>> => {
  const codes = [...new Set(value.split(",").map((code) => code.trim()).filter((code) => code !== ""))]
  const bad = codes.find((code) => !SURVEY_CODE.test(code))
  if (bad !== undefined) return { problem: `${JSON.stringify(bad)} is not a survey code` }
  return codes.length === 0 ? { problem: "no survey is named" } : { value: codes }
}

const inRange = (rule: Extract<SettingRule, { kind: "number" }>, n: number) =>
  Number.isFinite(n) && (rule.integer !== true || Number.isInteger(n)) && (rule.above === undefined || n > rule.above) &&
  (rule.from === undefined || n >= rule.from) && (rule.max === undefined || n <= rule.max)

/**
 * A value as typed, checked against its rule, for every edge alike (the CLI, the functions,
 * the stack program): numbers parsed, URLs ending in `/`, surveys split; `problem` says
 * what is wrong in a few words, the edge says where the value came from.
 */
export function decodeSetting(rule: { readonly kind: "number" }, raw: string): Decoded<number>
export function decodeSetting(rule: { readonly kind: "surveys" }, raw: string): Decoded<ReadonlyArray<string>>
export function decodeSetting(rule: SettingRule, raw: string): Decoded<string>
export function decodeSetting(rule: SettingRule, raw: string): Decoded<unknown> {
  const value = raw.trim()
  switch (rule.kind) {
    case "text":
      return { value }
    case "url":
      return /^https?:\/\/[^/]/i.test(value) ? { value: value.endsWith("/") ? value : `${value}/` } : { problem: ruleText(rule) }
    case "surveys": {
      const parsed = parseSurveys(value)
      return "value" in parsed ? parsed : { problem: `${ruleText(rule)}; ${parsed.problem}` }
    }
    case "oneOf":
      return rule.values.includes(value) ? { value } : { problem: ruleText(rule) }
    case "number": {
      const n = Number(value)
      return value !== "" && inRange(rule, n) ? { value: n } : { problem: ruleText(rule) }
    }
  }
}

/** A setting's meaning in full: what it is, its unit, and what a value must be. */
export const meaningOf = (spec: SettingSpec): string =>
  `${spec.description}${spec.unit === undefined ? "" : ` (${spec.unit})`}` +
  `${spec.rule.kind === "text" ? "" : `; ${ruleText(spec.rule)}`}.`

const cell = (value: string | undefined) => (value === undefined || value === "" ? "" : `\`${value}\``)
/** Every setting by name: the pipeline's, then the stack's own. */
export const allSettings = [...Object.entries(settingSpecs), ...Object.entries(stackSpecs)] as ReadonlyArray<readonly [string, SettingSpec]>

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
      `| ${name} | ${cell(spec.flag)} | ${cell(spec.env)} | ${cell(spec.stack ? name : undefined)} | ` +
      `${cell(spec.default)} | ${meaningOf(spec).replaceAll("<", "&lt;")} |`
    ),
    ""
  ].join("\n")
