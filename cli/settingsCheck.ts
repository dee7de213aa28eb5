/**
 * The settings a command is about to use, checked before any work starts, so a value the
 * user typed wrong is bad usage (exit 2) and the message names what they typed: the flag
 * when a flag was given, the environment variable otherwise.
 */
import { isUrlLocation, parseS3Location } from "../adapters/s3Location.ts"
import { checkContact } from "../domain/contact.ts"
import { type Settings, type SettingsError, settingSpecs } from "../domain/settings.ts"
import type { CommandSpec, SettingKey } from "./commandTable.ts"

/** How the user gave `key`: as its flag (when `flagged` holds it), else as its variable. */
export const typedName = (key: SettingKey, flagged: Partial<Record<SettingKey, string>>): string =>
  flagged[key] !== undefined ? settingSpecs[key].flag : settingSpecs[key].env

/** A SettingsError in the words of the command line: `--concurrency="abc" is not valid: it must be a whole number from 1 to 64.` */
export const settingsErrorText = (error: SettingsError, flagged: Partial<Record<SettingKey, string>>): string =>
  error.as(typedName(error.setting as SettingKey, flagged))

const storeProblem = (store: string): string | undefined => {
  const s3 = parseS3Location(store)
  if (s3 !== undefined) return "invalid" in s3 ? s3.invalid : undefined
  if (isUrlLocation(store)) return "only a local folder or s3://bucket/prefix can be a store"
  return store.trim() === "" ? "it is empty; give a folder or s3://bucket/prefix" : undefined
}

/** Why the command cannot start, naming the flag or variable (undefined when it can), and what to warn of. */
export const checkSettings = (
  settings: Settings,
  command: CommandSpec,
  flagged: Partial<Record<SettingKey, string>>,
  options: { readonly offline: boolean }
) => {
  const named = (key: SettingKey, value: string) => `${typedName(key, flagged)}=${JSON.stringify(value)}`
  const problems: Array<string> = []
  const warnings: Array<string> = []
  const storeIs = command.settings.includes("store") ? storeProblem(settings.store) : undefined
  if (storeIs !== undefined) problems.push(`${named("store", settings.store)} is not a store: ${storeIs}.`)
  // An empty contact is left to the command (it says how to set one, exit 1); a wrong one is bad usage.
  const contact = command.settings.includes("contact") && settings.contact !== "" ? checkContact(settings.contact) : undefined
  if (contact?.kind === "invalid") {
    problems.push(
      `${named("contact", settings.contact)} is neither an e-mail address nor an http(s) URL; ` +
        `BLS needs one it can reach you at, e.g. ${settingSpecs.contact.flag} you@your-domain.org.`
    )
  } else if (contact?.kind === "placeholder" && !options.offline) {
    warnings.push(`${named("contact", settings.contact)} is on ${contact.domain}, a domain reserved for examples: a placeholder BLS may block. Use an address you read.`)
  }
  return { problem: problems.length === 0 ? undefined : problems.join(" "), warnings }
}
