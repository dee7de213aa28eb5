/**
 * The Worker's deployment, described once for the Cloudflare program (cloudflare/) and
 * the local runtime (worker/localRuntime.ts): its runtime settings, bindings and queues.
 */

export const COMPATIBILITY_DATE = "2026-07-01"
/** node:crypto, the streaming sha256 (see worker.ts). */
export const COMPATIBILITY_FLAGS = ["nodejs_compat"]

/** The daily job's Cron Trigger: 06:00 UTC, after BLS's morning releases, as on AWS. */
export const DAILY_CRON = "0 6 * * *"

export const QUEUES = {
  /** One message per survey, from the cron. */
  surveys: "quest-surveys",
  /** R2's notification that the population was written. */
  reports: "quest-reports",
  /** Messages whose runs failed every attempt, kept for a look. */
  failed: "quest-failed-runs"
} as const

/**
 * The consumers' settings: one survey per invocation, each in its own CPU limit, and one
 * at a time, so that the whole job keeps to one run's request rate upstream; a failed run
 * is retried twice (after a pause), then dead-lettered, as the AWS stack does.
 */
export const CONSUMER = {
  surveys: { maxBatchSize: 1, maxConcurrency: 1, maxRetries: 2, retryDelaySeconds: 60 },
  reports: { maxBatchSize: 10, maxConcurrency: 1, maxRetries: 2, retryDelaySeconds: 60 }
} as const

export const BINDINGS = { store: "STORE", surveys: "SURVEYS", reports: "REPORTS" } as const
