/**
 * The store's layout, in one place: the code that writes a key, the code that reads it
 * and the IAM policies that allow it (infra/storeLayout.ts) all take it from here.
 */

/** The BLS mirror: `bls/pr/<file name>`, one object per upstream file. */
export const MIRROR_PREFIX = "bls/pr/"
/** The BLS file the reports read. */
export const BLS_DATA_KEY = `${MIRROR_PREFIX}pr.data.0.Current`
/** Transient copies of bodies too large to verify in memory; never outlive their transfer. */
export const STAGING_PREFIX = "_staging/"
/** The DataUSA response as fetched; creating it is what triggers the analytics in AWS. */
export const POPULATION_KEY = "population/population.json"
export const REPORTS_PREFIX = "reports/"
