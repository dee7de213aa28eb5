/**
 * The name every resource of a pipeline starts with, made from the project and stack names
 * as people write them (`Prod`, `team.dev`, `feature_x`, a long branch name).
 *
 * AWS is stricter than Pulumi's stack names ([A-Za-z0-9._-], any length): bucket names are
 * lower case letters, digits and hyphens, at most 63 characters; function, role and rule
 * names at most 64. So the prefix is lower case, with every run of other characters made
 * one hyphen, and at most MAX_PREFIX_LENGTH long: the longest name built on it —
 * `<prefix>-analytics` plus Pulumi's 8-character auto-name suffix, for the role — stays
 * under 64, with room for a survey name. When that rewriting lost anything (case, a dot, an
 * underscore, the tail of a long name), a short hash of the original name is appended, so
 * `Team.Prod_1` and `team-prod-1` never share a function name in one account.
 */
import { createHash } from "node:crypto"

export const MAX_PREFIX_LENGTH = 40
const HASH_LENGTH = 6

/** A valid prefix: what `pipelineName` produces, and what a Pipeline accepts as its name. */
export const VALID_PREFIX = new RegExp(`^[a-z0-9](?:[a-z0-9-]{0,${MAX_PREFIX_LENGTH - 2}}[a-z0-9])?$`)

const hyphenated = (text: string) =>
  text.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-+|-+$/g, "")

/** `<project>-<stack>`, made valid for every AWS name the pipeline declares. */
export const pipelineName = (project: string, stack: string): string => {
  const original = `${project}-${stack}`
  const clean = hyphenated(original)
  if (clean === original && clean.length <= MAX_PREFIX_LENGTH) return clean
  const hash = createHash("sha256").update(original).digest("hex").slice(0, HASH_LENGTH)
  const head = clean.slice(0, MAX_PREFIX_LENGTH - HASH_LENGTH - 1).replace(/-+$/, "")
  return head === "" ? hash : `${head}-${hash}`
}
