/**
 * The statements of this folder, one file each, read by both engines: the catalog deploys
 * them (infra/catalog.ts) and `quest sql` runs them (adapters/duckdbSql.ts).
 */
import { readFileSync } from "node:fs"

/** The text of sql/<name>.sql, as it is deployed. */
export const sqlText = (name: string): string => readFileSync(new URL(`${name}.sql`, import.meta.url), "utf8")
