/**
 * Where things live in the one data bucket: a prefix per kind of data (the store the domain
 * knows is a single root, as a local folder is, and IAM scopes each function by prefix as
 * tightly as separate buckets would). The keys come from the domain code that writes them,
 * so a policy cannot drift from them.
 */
import { POPULATION_KEY } from "../domain/storeKeys.ts"

export const POPULATION_PREFIX = POPULATION_KEY.slice(0, POPULATION_KEY.lastIndexOf("/") + 1)

/** Creating an object that matches both filters puts a message on the analytics queue. */
export const NOTIFICATION_FILTER = { prefix: POPULATION_PREFIX, suffix: ".json" } as const
