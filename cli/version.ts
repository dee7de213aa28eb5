/** What `quest --version` answers: the package's version (a test keeps it equal to package.json's) and the runtime. */
import process from "node:process"

export const QUEST_VERSION = "0.1.0"

export const versionText = (): string => {
  const deno = (process.versions as Record<string, string | undefined>)["deno"]
  const runtime = deno === undefined ? `node ${process.version}` : `deno ${deno}`
  return `quest ${QUEST_VERSION} (${runtime}, ${process.platform}-${process.arch})\n`
}
