/**
 * Every setting of the pipeline in one table: its environment variable, CLI flag,
 * default and meaning. The CLI's --help, the README and the Lambda environment are all
 * read from here, so they cannot drift apart.
 */
import { Config, Effect, Schema } from "effect"
import { defaultRetryPolicy } from "./http/retryPolicy.ts"
import type { SourcePolicy } from "./http/SourceHttp.ts"

export const DEFAULT_BLS_BASE_URL = "https://download.bls.gov/pub/time.series/pr/"
export const DEFAULT_POPULATION_URL =
  "https://honolulu-api.datausa.io/tesseract/data.jsonrecords?cube=acs_yg_total_population_1&drilldowns=Year%2CNation&locale=en&measures=Population"

export interface SettingSpec {
  readonly env: string
  readonly flag: string
  readonly default: string | undefined
  readonly description: string
}

export const settingSpecs = {
  store: {
    env: "QUEST_STORE",
    flag: "--store",
    default: "./data",
    description: "Where data lives: a local folder, or s3://bucket/prefix (uses the standard AWS environment)"
  },
  contact: {
    env: "QUEST_CONTACT",
    flag: "--contact",
    default: undefined,
    description: "Your e-mail or URL, sent in the User-Agent as BLS requires; required for sync and population"
  },
  blsBaseUrl: {
    env: "BLS_BASE_URL",
    flag: "--bls-base-url",
    default: DEFAULT_BLS_BASE_URL,
    description: "The BLS directory page to mirror"
  },
  populationUrl: {
    env: "POPULATION_URL",
    flag: "--population-url",
    default: DEFAULT_POPULATION_URL,
    description: "The DataUSA population API (current tesseract or retired /api/data shape)"
  },
  requestsPerSecond: {
    env: "QUEST_REQUESTS_PER_SECOND",
    flag: "--requests-per-second",
    default: "2",
    description: "Most requests per second sent upstream (may be fractional, e.g. 0.5)"
  },
  concurrency: {
    env: "QUEST_CONCURRENCY",
    flag: "--concurrency",
    default: "4",
    description: "Most downloads and store operations in flight at once"
  },
  maxDeleteShare: {
    env: "QUEST_MAX_DELETE_SHARE",
    flag: "--max-delete-share",
    default: "0.5",
    description: "Largest share (0-1) of the mirror one sync may delete without --force"
  },
  maxRetries: {
    env: "QUEST_MAX_RETRIES",
    flag: "--max-retries",
    default: "5",
    description: "Retries of a failed request (429, 5xx, timeouts, dropped connections)"
  },
  retryBaseMs: {
    env: "QUEST_RETRY_BASE_MS",
    flag: "--retry-base-ms",
    default: "500",
    description: "First backoff delay in ms; doubles per retry with jitter, Retry-After wins"
  },
  timeoutMs: {
    env: "QUEST_TIMEOUT_MS",
    flag: "--timeout-ms",
    default: "30000",
    description: "Time allowed for a response's headers to arrive, in ms"
  }
} as const satisfies Record<string, SettingSpec>

export interface Settings {
  readonly store: string
  readonly contact: string
  readonly blsBaseUrl: string
  readonly populationUrl: string
  readonly requestsPerSecond: number
  readonly concurrency: number
  readonly maxDeleteShare: number
  readonly maxRetries: number
  readonly retryBaseMs: number
  readonly timeoutMs: number
}

export class SettingsError extends Schema.TaggedError<SettingsError>()("SettingsError", {
  detail: Schema.String
}) {
  override get message() {
    return `A setting is invalid: ${this.detail}. See \`quest --help\` for every setting and its default.`
  }
}

const raw = (spec: SettingSpec) => Config.String(spec.env).pipe(Config.withDefault(spec.default ?? ""))

const numeric = (spec: SettingSpec, value: string, options: { integer?: boolean; max?: number; zero?: boolean } = {}) => {
  const parsed = Number(value)
  const valid = value.trim() !== "" && Number.isFinite(parsed) && (parsed > 0 || (options.zero === true && parsed === 0)) &&
    (options.integer !== true || Number.isInteger(parsed)) && (options.max === undefined || parsed <= options.max)
  return valid
    ? Effect.succeed(parsed)
    : Effect.fail(new SettingsError({ detail: `${spec.env}=${JSON.stringify(value)} must be a number ${options.zero === true ? "from" : "above"} 0` +
      (options.integer === true ? ", whole" : "") + (options.max === undefined ? "" : `, at most ${options.max}`) }))
}

/** Reads the settings from the current ConfigProvider (the environment by default). */
export const loadSettings: Effect.Effect<Settings, SettingsError> = Effect.gen(function*() {
  const s = settingSpecs
  const values = yield* Config.all({
    store: raw(s.store),
    contact: raw(s.contact),
    blsBaseUrl: raw(s.blsBaseUrl),
    populationUrl: raw(s.populationUrl),
    requestsPerSecond: raw(s.requestsPerSecond),
    concurrency: raw(s.concurrency),
    maxDeleteShare: raw(s.maxDeleteShare),
    maxRetries: raw(s.maxRetries),
    retryBaseMs: raw(s.retryBaseMs),
    timeoutMs: raw(s.timeoutMs)
  }).pipe(Effect.mapError((error) => new SettingsError({ detail: error.message })))
  return {
    store: values.store,
    contact: values.contact.trim(),
    blsBaseUrl: values.blsBaseUrl,
    populationUrl: values.populationUrl,
    requestsPerSecond: yield* numeric(s.requestsPerSecond, values.requestsPerSecond),
    concurrency: yield* numeric(s.concurrency, values.concurrency, { integer: true }),
    // 0 is a legitimate choice for both: never delete without --force; never retry.
    maxDeleteShare: yield* numeric(s.maxDeleteShare, values.maxDeleteShare, { max: 1, zero: true }),
    maxRetries: yield* numeric(s.maxRetries, values.maxRetries, { integer: true, zero: true }),
    retryBaseMs: yield* numeric(s.retryBaseMs, values.retryBaseMs),
    timeoutMs: yield* numeric(s.timeoutMs, values.timeoutMs)
  }
})

/** The upstream etiquette the settings ask for. */
export const sourcePolicyOf = (settings: Settings): SourcePolicy => ({
  contact: settings.contact,
  requestsPerSecond: settings.requestsPerSecond,
  timeoutMs: settings.timeoutMs,
  retry: { ...defaultRetryPolicy, maxRetries: settings.maxRetries, baseDelayMs: settings.retryBaseMs }
})
