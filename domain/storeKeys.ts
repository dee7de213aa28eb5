/** The store's layout: the code that writes a key, the code that reads it and the IAM policies (infra/storeLayout.ts) take it from here. */

/** Every BLS mirror: `bls/<survey>/<file name>`, one object per upstream file. */
export const BLS_PREFIX = "bls/"
export const mirrorPrefixOf = (survey: string) => `${BLS_PREFIX}${survey}/`
/** The survey the reports read. */
export const REPORTED_SURVEY = "pr"
export const MIRROR_PREFIX = mirrorPrefixOf(REPORTED_SURVEY)
/** The BLS file the reports read. */
export const BLS_DATA_KEY = `${MIRROR_PREFIX}pr.data.0.Current`
/**
 * What a mirror recorded about its files (`_state/bls/pr/mirror.json`): outside `bls/`, so it
 * is never taken for a mirrored file (nor deleted as one upstream dropped); outside
 * `population/`, so writing it triggers no analytics.
 */
export const STATE_PREFIX = "_state/"
export const mirrorStateKeyOf = (mirrorPrefix: string) => `${STATE_PREFIX}${mirrorPrefix}mirror.json`
/** The DataUSA response as fetched; creating it is what triggers the analytics in AWS. */
export const POPULATION_KEY = "population/population.json"
export const REPORTS_PREFIX = "reports/"
/** Athena's query results (infra/catalog.ts), expiring after a few days. */
export const ATHENA_RESULTS_PREFIX = "athena-results/"
