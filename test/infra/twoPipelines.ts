/** A program that declares the pipeline twice, as a team with two mirrors might. */
import { Pipeline } from "../../infra/pipeline.ts"
import { readStackSettings } from "../../infra/settings.ts"

const settings = readStackSettings()
export const first = new Pipeline("quest-a", settings).storage.bucket.bucket
export const second = new Pipeline("quest-b", settings).storage.bucket.bucket
