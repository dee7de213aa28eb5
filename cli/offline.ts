/**
 * `--offline`: BLS and DataUSA answer in-process from the bundled fixtures
 * (adapters/offlineUpstream.ts). Loopback requests (a local fixture server, moto) pass
 * through; any other host is refused, so an offline run never reaches the internet.
 */
import { interceptUpstream } from "../adapters/interceptUpstream.ts"
import { offlineUpstream } from "../adapters/offlineUpstream.ts"
import { type Settings, settingSpecs, surveyMirrorsOf } from "../domain/settings.ts"

/** Sent in the User-Agent when no contact is set: the fake BLS insists on one, as the real one does. */
export const OFFLINE_CONTACT = "offline-demo@example.com"

/** The fixtures are served in-process: the politeness meant for real servers would only slow the demo. */
export const OFFLINE_REQUESTS_PER_SECOND = 1000

export type OfflineStart =
  | { readonly ok: true; readonly settings: Settings; readonly notes: ReadonlyArray<string>; readonly stop: () => void }
  | { readonly ok: false; readonly problem: string }

const isLoopback = (url: string) => ["127.0.0.1", "localhost", "[::1]"].includes(new URL(url).hostname)

/** `rateGiven`: the user set the request rate, which is then kept. */
export const startOffline = (settings: Settings, rateGiven: boolean): OfflineStart => {
  const upstream = offlineUpstream()
  const reachable = (url: string) => URL.canParse(url) && (upstream.serves(url) || isLoopback(url))
  const unserved = [...new Map([
    ...surveyMirrorsOf(settings).map(({ baseUrl }) =>
      [settings.blsBaseUrl === undefined ? settingSpecs.blsRootUrl.env : settingSpecs.blsBaseUrl.env, baseUrl] as const
    ),
    [settingSpecs.populationUrl.env, settings.populationUrl] as const
  ].filter(([, url]) => !reachable(url!))).entries()]
  if (unserved.length > 0) {
    return {
      ok: false,
      problem: `--offline serves the fixtures at the default URLs only, not ${
        unserved.map(([name, url]) => `${name}=${url}`).join(" or ")
      }; unset ${unserved.map(([name]) => name).join(" and ")}, or drop --offline.`
    }
  }
  const defaulted = settings.contact === ""
  const { close } = interceptUpstream(
    upstream,
    (url) => new Error(`--offline answers only for BLS, DataUSA and this machine, so the request to ${url} was refused`)
  )
  return {
    ok: true,
    settings: {
      ...settings,
      contact: defaulted ? OFFLINE_CONTACT : settings.contact,
      requestsPerSecond: rateGiven ? settings.requestsPerSecond : OFFLINE_REQUESTS_PER_SECOND
    },
    notes: [
      "Offline: BLS and DataUSA are served from the bundled fixtures (test/fixtures); nothing goes to the internet.",
      ...(defaulted ? [`Offline: no contact set, so the demo contact ${OFFLINE_CONTACT} is used (${settingSpecs.contact.env} sets yours).`] : []),
      ...(rateGiven ? [] : [`Offline: requests to the fixtures are not rate-limited (${settingSpecs.requestsPerSecond.env} sets a limit).`])
    ],
    stop: close
  }
}
