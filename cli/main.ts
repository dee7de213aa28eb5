/**
 * The quest command on Node (bin/quest.mjs) and Deno (deno/quest.ts): help, --version and
 * usage mistakes are answered here with only the command and settings tables loaded; a
 * command runs in runCommand.ts.
 */
import { parseArgs } from "./args.ts"
import { makeCliLog } from "./cliLog.ts"
import { helpText } from "./help.ts"
import { processTerminal, type Terminal } from "./terminal.ts"
import { EXIT, usage } from "./usage.ts"
import { versionText } from "./version.ts"

/** Runs the command line `argv` (without the runtime and script), returning the exit code. */
export const runQuest = async (argv: ReadonlyArray<string>, terminal: Terminal = processTerminal()): Promise<number> => {
  const invocation = parseArgs(argv)
  if (invocation.kind === "help") {
    terminal.out(helpText(invocation.command))
    return EXIT.done
  }
  if (invocation.kind === "version") {
    terminal.out(versionText())
    return EXIT.done
  }
  // Off a terminal (or with --json) stderr carries log records only: a usage mistake is one too.
  const log = makeCliLog({
    human: terminal.interactive && !argv.includes("--json"),
    verbose: argv.includes("--verbose") || argv.includes("-v")
  }, terminal)
  if (invocation.kind === "usage") {
    const code = usage(log, terminal, invocation.message, invocation.command)
    if (argv.length === 0 && log.mode.human) terminal.err(`\n${helpText(undefined)}`)
    return code
  }

  // Effect, the domain and its adapters load only now: help answers in the time Node takes to start.
  const { runCommand } = await import("./runCommand.ts")
  return runCommand(invocation, terminal, log)
}
