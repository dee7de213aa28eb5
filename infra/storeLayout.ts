/**
 * Where things live in the one data bucket.
 *
 * One bucket with a prefix per kind of data, not a bucket each: the store the domain
 * code knows is a single `s3://bucket` root (QUEST_STORE), exactly as a local folder is,
 * and IAM scopes each function by prefix as tightly as separate buckets would. The BLS
 * sync keeps its state in the mirrored objects' metadata; the only other objects are
 * transient staging copies under `_staging/`, which a lifecycle rule sweeps if a run dies.
 *
 * The keys come from the domain code that writes them, so a policy cannot drift from them.
 */
import { defaultSyncOptions } from "../domain/bls/syncMirror.ts"
import { BLS_DATA_KEY, POPULATION_KEY, REPORTS_PREFIX } from "../domain/reports/runReports.ts"

/** The two inputs of the reports, and where they write. */
export { BLS_DATA_KEY, POPULATION_KEY, REPORTS_PREFIX }
export const MIRROR_PREFIX = defaultSyncOptions.prefix
export const POPULATION_PREFIX = POPULATION_KEY.slice(0, POPULATION_KEY.lastIndexOf("/") + 1)
/** syncMirror stages large downloads under `_staging/<mirror prefix>`. */
export const STAGING_PREFIX = "_staging/"

/** Creating an object that matches both filters puts a message on the analytics queue. */
export const NOTIFICATION_FILTER = { prefix: POPULATION_PREFIX, suffix: ".json" } as const
