/**
 * Where things live in the one data bucket.
 *
 * One bucket with a prefix per kind of data, not a bucket each: the store the domain
 * code knows is a single `s3://bucket` root (QUEST_STORE), exactly as a local folder is,
 * and IAM scopes each function by prefix as tightly as separate buckets would. The BLS
 * sync records each file in the object's metadata and, for all of a mirror's files, in one
 * state object under `_state/`.
 *
 * The keys come from the domain code that writes them, so a policy cannot drift from them.
 */
import { BLS_DATA_KEY, MIRROR_PREFIX, mirrorPrefixOf, mirrorStateKeyOf, POPULATION_KEY, REPORTS_PREFIX } from "../domain/storeKeys.ts"

export { BLS_DATA_KEY, MIRROR_PREFIX, mirrorPrefixOf, mirrorStateKeyOf, POPULATION_KEY, REPORTS_PREFIX }
export const POPULATION_PREFIX = POPULATION_KEY.slice(0, POPULATION_KEY.lastIndexOf("/") + 1)

/** Creating an object that matches both filters puts a message on the analytics queue. */
export const NOTIFICATION_FILTER = { prefix: POPULATION_PREFIX, suffix: ".json" } as const
