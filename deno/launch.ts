/**
 * `deno task quest …` and `deno task serve`: start a Deno entry with only the permissions
 * this invocation needs. The store is a setting (a flag or QUEST_STORE), and a task's
 * command line cannot compute a permission from it, so this small launcher does:
 * - network and environment (upstreams, S3, settings), and the OS release (the AWS SDK's
 *   User-Agent) and home folder (its shared config files, read from ~/.aws);
 * - read: this project (code, node_modules, fixtures for --offline) and ~/.aws;
 * - read and write: the local store folder, when the store is local.
 *
 * Usage: deno run --allow-env --allow-read --allow-run deno/launch.ts <entry.ts> [args…]
 */
import { settingSpecs } from "../domain/settingSpecs.ts"

const [entry, ...args] = Deno.args
if (entry === undefined) {
  console.error("usage: deno/launch.ts <entry.ts> [args…]")
  Deno.exit(2)
}

/** The store this invocation names: the last --store flag, else QUEST_STORE, else the default. */
const storeOf = (argv: ReadonlyArray<string>): string => {
  const { flag, env } = settingSpecs.store
  let store = Deno.env.get(env) || settingSpecs.store.default
  argv.forEach((arg, i) => {
    if (arg === flag && argv[i + 1] !== undefined) store = argv[i + 1]!
    if (arg.startsWith(`${flag}=`)) store = arg.slice(flag.length + 1)
  })
  return store
}

// Help, the version and usage mistakes need no store and no network: the quest entry's
// answer comes from here, without starting a second Deno for it (`npm run bench`, start-up).
if (entry.endsWith("/quest.ts")) {
  const { readCommandLine } = await import("../cli/main.ts")
  const answered = await readCommandLine(args)
  if (typeof answered === "number") Deno.exit(answered)
}

const project = new URL("..", import.meta.url).pathname
const home = Deno.env.get("HOME")
const store = storeOf(args)
const localStore = /^s3:\/\//.test(store) ? [] : [store]
const read = [project, ...(home === undefined ? [] : [`${home}/.aws`]), ...localStore]

const child = new Deno.Command(Deno.execPath(), {
  args: [
    "run",
    "--no-prompt",
    "--allow-net",
    "--allow-env",
    "--allow-sys=osRelease,homedir",
    `--allow-read=${read.join(",")}`,
    ...(localStore.length > 0 ? [`--allow-write=${localStore.join(",")}`] : []),
    ...(entry.endsWith("serve.ts") ? ["--unstable-cron"] : []),
    entry,
    ...args
  ],
  stdin: "inherit",
  stdout: "inherit",
  stderr: "inherit"
}).spawn()

// Ctrl-C reaches the child as well (same process group); it stops cleanly, and so do we.
const ignore = () => {}
Deno.addSignalListener("SIGINT", ignore)
Deno.addSignalListener("SIGTERM", () => child.kill("SIGTERM"))
const status = await child.status
Deno.exit(status.code)
