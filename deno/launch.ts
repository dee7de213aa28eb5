/**
 * `deno task quest …` and `deno task serve`: start a Deno entry with only the permissions
 * this invocation needs. A task's command line cannot compute a permission from the store
 * setting (a flag or QUEST_STORE), so this launcher does: network and environment; the OS
 * release and home folder (the AWS SDK's User-Agent and shared config); reading this
 * project and ~/.aws; reading and writing the store folder when the store is local.
 *
 * Usage: deno run --allow-env --allow-read --allow-run deno/launch.ts <entry.ts> [args…]
 */
/// <reference types="deno" />
import { settingSpecs } from "../domain/settingSpecs.ts"

const [entry, ...args] = Deno.args
if (entry === undefined) {
  console.error("usage: deno/launch.ts <entry.ts> [args…]")
  Deno.exit(2)
}

// The last --store flag, else QUEST_STORE, else the default.
const { flag, env } = settingSpecs.store
let store = Deno.env.get(env) || settingSpecs.store.default
args.forEach((arg, i) => {
  if (arg === flag && args[i + 1] !== undefined) store = args[i + 1]!
  if (arg.startsWith(`${flag}=`)) store = arg.slice(flag.length + 1)
})
const localStore = store.startsWith("s3://") ? [] : [store]
const home = Deno.env.get("HOME")
const read = [new URL("..", import.meta.url).pathname, ...(home === undefined ? [] : [`${home}/.aws`]), ...localStore]

const child = new Deno.Command(Deno.execPath(), {
  args: [
    "run",
    "--no-prompt",
    "--allow-net",
    "--allow-env",
    "--allow-sys=osRelease,homedir",
    `--allow-read=${read.join(",")}`,
    ...localStore.map((folder) => `--allow-write=${folder}`),
    ...(entry.endsWith("serve.ts") ? ["--unstable-cron"] : []),
    entry,
    ...args
  ],
  stdin: "inherit",
  stdout: "inherit",
  stderr: "inherit"
}).spawn()

// Ctrl-C reaches the child as well (same process group); it stops cleanly, and so do we.
Deno.addSignalListener("SIGINT", () => {})
Deno.addSignalListener("SIGTERM", () => child.kill("SIGTERM"))
Deno.exit((await child.status).code)
