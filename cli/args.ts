/**
 * The command line, read into what to do: a command with its switches and the settings
 * given as flags, a request for help, or a usage mistake (exit code 2). Flags take
 * `--flag value` or `--flag=value`; settings not given here fall back to the environment.
 */
import { distance } from "fastest-levenshtein"
import { settingSpecs } from "../domain/settingSpecs.ts"
import {
  type CommandName,
  commandSpec,
  commandSpecs,
  type SettingKey,
  type SwitchKey,
  type Switches,
  switchSpecs
} from "./commandTable.ts"

export type Invocation =
  | { readonly kind: "help"; readonly command: CommandName | undefined }
  | { readonly kind: "version" }
  | { readonly kind: "usage"; readonly message: string; readonly command: CommandName | undefined }
  | {
    readonly kind: "command"
    readonly command: CommandName
    readonly switches: Switches
    /** Settings given as flags, by key; the environment supplies the rest. */
    readonly settings: Partial<Record<SettingKey, string>>
    readonly argument: string | undefined
  }

const settingByFlag = new Map<string, SettingKey>(
  (Object.keys(settingSpecs) as Array<SettingKey>).map((key) => [settingSpecs[key].flag, key] as const)
)
const switchByFlag = new Map<string, SwitchKey>(
  (Object.keys(switchSpecs) as Array<SwitchKey>).flatMap((key) => {
    const spec = switchSpecs[key]
    return [[spec.flag, key] as const, ...(spec.short === undefined ? [] : [[spec.short, key] as const])]
  })
)

/** At most a third of the word may differ (at least one edit): `syn` → `sync`, not `sin` → `run`. */
const closeEnough = (typed: string, known: string) =>
  distance(typed, known) <= Math.max(1, Math.floor(known.length / 3)) || (typed.length >= 3 && known.startsWith(typed))

/** ` Did you mean \`sync\`?` (the closest known word, if close enough) or nothing. */
const didYouMean = (typed: string, known: ReadonlyArray<string>): string => {
  const word = known.filter((word) => closeEnough(typed, word)).sort((a, b) => distance(typed, a) - distance(typed, b))[0]
  return word === undefined ? "" : ` Did you mean \`${word}\`?`
}

const isHelp = (arg: string) => arg === "--help" || arg === "-h"
const isVersion = (arg: string) => arg === "--version" || arg === "-V"

const commandNames = commandSpecs.map((spec) => spec.name)
const allFlags = [...settingByFlag.keys(), ...switchByFlag.keys()].filter((flag) => flag.startsWith("--"))

export const parseArgs = (argv: ReadonlyArray<string>): Invocation => {
  const [first, ...rest] = argv
  if (first === undefined) return { kind: "usage", message: "Which command? Choose one of those below.", command: undefined }
  if (isHelp(first)) return { kind: "help", command: undefined }
  if (isVersion(first)) return { kind: "version" }
  if (first === "help") {
    const topic = rest[0] === undefined ? undefined : commandSpec(rest[0])
    if (rest[0] !== undefined && topic === undefined) {
      return { kind: "usage", message: `There is no command "${rest[0]}".${didYouMean(rest[0], commandNames)}`, command: undefined }
    }
    return { kind: "help", command: topic?.name }
  }
  const spec = commandSpec(first)
  if (spec === undefined) {
    const hint = first.startsWith("-")
      ? "Put the command first, e.g. `quest run --offline`."
      : `There is no command "${first}".${didYouMean(first, commandNames)}`
    return { kind: "usage", message: hint, command: undefined }
  }

  const usage = (message: string): Invocation => ({ kind: "usage", message, command: spec.name })
  const switches = Object.fromEntries(Object.keys(switchSpecs).map((key) => [key, false])) as Record<SwitchKey, boolean>
  const settings: Partial<Record<SettingKey, string>> = {}
  let argument: string | undefined
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i]!
    if (isHelp(arg)) return { kind: "help", command: spec.name }
    if (!arg.startsWith("-")) {
      if (spec.argument === undefined) return usage(`\`quest ${spec.name}\` takes no argument "${arg}"; settings are flags.`)
      if (argument !== undefined) return usage(`\`quest ${spec.name}\` takes one ${spec.argument.name}, in quotes: ${spec.argument.example}`)
      argument = arg
      continue
    }
    const eq = arg.indexOf("=")
    const flag = eq === -1 ? arg : arg.slice(0, eq)

    const switchKey = switchByFlag.get(flag)
    if (switchKey !== undefined) {
      if (!spec.switches.includes(switchKey)) return usage(`\`quest ${spec.name}\` does not take ${flag}.`)
      if (eq !== -1) return usage(`${flag} is a switch and takes no value.`)
      switches[switchKey] = true
      continue
    }
    const settingKey = settingByFlag.get(flag)
    if (settingKey === undefined) {
      // The command's own flags first: `quest report --stor` means --store, whatever else is close.
      const own = [...spec.settings.map((key) => settingSpecs[key].flag), ...spec.switches.map((key) => switchSpecs[key].flag)]
      const hint = didYouMean(flag, own) || didYouMean(flag, allFlags)
      return usage(`Unknown flag ${flag}.${hint}`)
    }
    if (!spec.settings.includes(settingKey)) {
      return usage(`\`quest ${spec.name}\` does not use ${flag} (${settingSpecs[settingKey].env}).`)
    }
    const value = eq === -1 ? rest[++i] : arg.slice(eq + 1)
    if (value === undefined || (eq === -1 && value.startsWith("--"))) return usage(`${flag} needs a value.`)
    settings[settingKey] = value
  }
  const needed = spec.argument
  if (needed !== undefined && (argument ?? "").trim() === "" && !switches[needed.unless]) {
    return usage(`Give a ${needed.name}, e.g. ${needed.example}, or ${switchSpecs[needed.unless].flag}.`)
  }
  return { kind: "command", command: spec.name, switches, settings, argument }
}
