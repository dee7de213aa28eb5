/**
 * `quest --help` and `quest <command> --help`, written from the command table and the
 * settings table, so every flag shows with its environment variable and default.
 */
import { settingSpecs } from "../domain/settingSpecs.ts"
import { type CommandName, commandSpec, commandSpecs, type SettingKey, type SwitchKey, switchSpecs } from "./commandTable.ts"

const indent = (width: number, text: string) => `${text}${" ".repeat(Math.max(1, width - text.length))}`

const switchLines = (keys: ReadonlyArray<SwitchKey>) => {
  const names = keys.map((key) => [switchSpecs[key].flag, switchSpecs[key].short].filter(Boolean).join(", "))
  const width = Math.max(...names.map((name) => name.length)) + 2
  return keys.map((key, i) => `  ${indent(width, names[i]!)}${switchSpecs[key].description}`)
}

const settingLines = (keys: ReadonlyArray<SettingKey>) => {
  const specs = keys.map((key): (typeof settingSpecs)[SettingKey] & { unit?: string } => settingSpecs[key])
  const flagWidth = Math.max(...specs.map((spec) => spec.flag.length)) + 10
  const envWidth = Math.max(...specs.map((spec) => spec.env.length)) + 2
  return specs.flatMap((spec) => [
    `  ${indent(flagWidth, `${spec.flag} <value>`)}${indent(envWidth, spec.env)}` +
    (spec.default === undefined ? "no default" : `default ${spec.default}${spec.unit === undefined ? "" : ` ${spec.unit}`}`),
    `      ${spec.description}`
  ])
}

export const helpText = (command: CommandName | undefined): string => {
  const spec = command === undefined ? undefined : commandSpec(command)!
  const width = Math.max(...commandSpecs.map(({ name }) => name.length)) + 3
  const general = (...lines: Array<string>) => (spec === undefined ? lines : [])
  return [
    spec === undefined
      ? "quest — mirror BLS productivity data and DataUSA population into a store, and report on them"
      : `quest ${spec.name} — ${spec.summary}`,
    "",
    spec === undefined
      ? "Usage: quest <command> [flags]       (quest <command> --help for one command's flags; quest --version)"
      : `Usage: quest ${spec.name}${spec.argument === undefined ? "" : ` [<${spec.argument.name}>]`} [flags]`,
    "",
    ...general("Commands:", ...commandSpecs.map(({ name, summary }) => `  ${indent(width, name)}${summary}`), ""),
    "Switches:",
    ...switchLines(spec?.switches ?? (Object.keys(switchSpecs) as Array<SwitchKey>)),
    ...general("  (--force: sync and run only; --offline: sync, population and run; --dry-run: all but show and sql; --reports: sql only)"),
    "",
    "Settings (flag, environment variable, default; a flag wins over its variable):",
    ...settingLines(spec?.settings ?? (Object.keys(settingSpecs) as Array<SettingKey>)),
    "",
    ...general("Try it with no network: quest run --offline"),
    "Exit codes: 0 done, 1 the work failed, 2 bad usage, 130 stopped by Ctrl-C.",
    ""
  ].join("\n")
}
