/**
 * Every setting of the pipeline in one table: its environment variable, CLI flag,
 * default and meaning. The CLI's --help, the README and the Lambda environment are all
 * read from here, so they cannot drift apart. Plain data, free of Effect: `quest --help`
 * and the Deno launcher read it without loading the runtime (settings.ts reads the values).
 */
/** Where BLS publishes its time series, one directory per survey (`pr/`, `cu/`, …). */
export const DEFAULT_BLS_ROOT_URL = "https://download.bls.gov/pub/time.series/"
export const DEFAULT_SURVEYS = "pr"
/** The productivity directory, which the reports read. */
export const DEFAULT_BLS_BASE_URL = `${DEFAULT_BLS_ROOT_URL}${DEFAULT_SURVEYS}/`
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
  surveys: {
    env: "QUEST_SURVEYS",
    flag: "--surveys",
    default: DEFAULT_SURVEYS,
    description: "BLS surveys to mirror, comma-separated (pr,cu,la): each from <root>/<survey>/ into bls/<survey>/; the reports read pr"
  },
  blsRootUrl: {
    env: "BLS_ROOT_URL",
    flag: "--bls-root-url",
    default: DEFAULT_BLS_ROOT_URL,
    description: "The BLS directory that holds one directory per survey"
  },
  blsBaseUrl: {
    env: "BLS_BASE_URL",
    flag: "--bls-base-url",
    default: undefined,
    description: "One directory page to mirror in place of <root>/<survey>/, for a single survey (unset: the root's)"
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
    description: "Time allowed without progress, in ms: for a response's headers, and between body chunks; a stalled transfer is retried"
  },
  transferTimeoutMs: {
    env: "QUEST_TRANSFER_TIMEOUT_MS",
    flag: "--transfer-timeout-ms",
    default: "600000",
    description: "Time allowed for one whole download (headers and body), in ms; a transfer past it is retried"  },
  maxReportDropShare: {
    env: "QUEST_MAX_REPORT_DROP_SHARE",
    flag: "--max-report-drop-share",
    default: "0.5",
    description: "Largest share (0-1) by which the BLS rows or series may fall against the last stored report before the reports refuse the input; 1 never refuses"
  }
} as const satisfies Record<string, SettingSpec>
