/** Bad usage (exit 2): one sentence and where to look, as a line for a person or as one log record. */
import type { CliLog } from "./cliLog.ts"
import type { CommandName } from "./commandTable.ts"
import { EXIT } from "./exitCodes.ts"
import type { Terminal } from "./terminal.ts"

const helpHint = (command: CommandName | undefined) =>
  `See \`${command === undefined ? "quest --help" : `quest ${command} --help`}\` for the commands, flags and settings.`

export const usage = (log: CliLog, terminal: Terminal, message: string, command: CommandName | undefined): number => {
  if (log.mode.human) terminal.err(`quest${command === undefined ? "" : ` ${command}`}: ${message}\n${helpHint(command)}\n`)
  else log.say("ERROR", "usage", message, { command, hint: helpHint(command), exitCode: EXIT.usage })
  return EXIT.usage
}
