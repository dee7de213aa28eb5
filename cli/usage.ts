/** Bad usage (exit 2): one sentence and where to look, as a line for a person or as one log record. */
import type { CliLog } from "./cliLog.ts"
import type { CommandName } from "./commandTable.ts"
import type { Terminal } from "./terminal.ts"

/** The quest command's exit codes: 0 done, 1 the work failed, 2 bad usage, 130 stopped. */
export const EXIT = { done: 0, failed: 1, usage: 2, interrupted: 130 } as const

const helpHint = (command: CommandName | undefined) =>
  `See \`${command === undefined ? "quest --help" : `quest ${command} --help`}\` for the commands, flags and settings.`

export const usage = (log: CliLog, terminal: Terminal, message: string, command: CommandName | undefined): number => {
  if (log.mode.human) terminal.err(`quest${command === undefined ? "" : ` ${command}`}: ${message}\n${helpHint(command)}\n`)
  else log.say("ERROR", "usage", message, { command, hint: helpHint(command), exitCode: EXIT.usage })
  return EXIT.usage
}
