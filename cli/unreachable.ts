/**
 * An upstream this machine could not reach at all (no network, DNS, a firewall): one short
 * line that names the hosts and offers the run that needs no network, in place of every
 * step's full message. It names a URL setting only when the user set one.
 */
import { type SettingKey } from "./commandTable.ts"
import { typedName } from "./settingsCheck.ts"

/** The messages of SourceUnreachable and of SourceUnavailable after a failure that was not an HTTP answer. */
const UNREACHED = /Could not reach (\S+): |(\S+) kept failing after \d+ attempts \(last: (?!HTTP)/g

const hostOf = (url: string) => (URL.canParse(url) ? new URL(url).host : url)

const URL_SETTINGS: ReadonlyArray<SettingKey> = ["blsRootUrl", "blsBaseUrl", "populationUrl"]

/**
 * The short line, or undefined when `message` is not about an unreachable host.
 * `given`: the settings the user gave, as flags (`flagged`) or in the environment (`env`, by variable).
 */
export const unreachableText = (
  command: string,
  message: string,
  given: { readonly flagged: Partial<Record<SettingKey, string>>; readonly isSet: (key: SettingKey) => boolean }
): string | undefined => {
  const hosts = [...new Set([...message.matchAll(UNREACHED)].map((match) => hostOf(match[1] ?? match[2]!)))]
  if (hosts.length === 0) return undefined
  const set = URL_SETTINGS.filter(given.isSet).map((key) => typedName(key, given.flagged))
  const check = set.length === 0 ? "Check the network" : `Check ${set.join(" and ")} and the network`
  return `could not reach ${hosts.join(" or ")}. ${check}, or run it on the bundled data, with no network: quest ${command} --offline.`
}
