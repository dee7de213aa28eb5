/**
 * `--offline`: BLS and DataUSA answer in-process from the bundled fixtures
 * (adapters/offlineUpstream.ts). Loopback requests (a local fixture server, moto) pass
 * through; any other host is refused. An s3:// store is still reached: the AWS SDK does not use fetch.
 */
import { interceptUpstream, isLoopback } from "../adapters/interceptUpstream.ts"
import { offlineUpstream } from "../adapters/offlineUpstream.ts"
import { type Settings, settingSpecs, surveyMirrorsOf } from "../domain/settings.ts"

/** Sent in the User-Agent when no contact is set: the fake BLS insists on one, as the real one does. */
const OFFLINE_CONTACT = "offline-demo@example.com"

/** `rateGiven`: the user set the request rate, which is then kept. */
export const startOffline = (settings: Settings, rateGiven: boolean) => {
  const upstream = offlineUpstream()
  const bls = settingSpecs[settings.blsBaseUrl === undefined ? "blsRootUrl" : "blsBaseUrl"].env
  const unserved = new Map([
    ...surveyMirrorsOf(settings).map(({ baseUrl }) => [bls, baseUrl] as const),
    [settingSpecs.populationUrl.env, settings.populationUrl] as const
  ].filter(([, url]) => !(upstream.serves(url) || isLoopback(url))))
  if (unserved.size > 0) {
    const given = [...unserved].map(([name, url]) => `${name}=${url}`).join(" or ")
    const problem = `--offline serves the fixtures at the default URLs only, not ${given}; unset ${[...unserved.keys()].join(" and ")}, or drop --offline.`
    return { ok: false as const, problem }
  }
  const defaulted = settings.contact === ""
  const refusal = "--offline serves only BLS, DataUSA and this machine; drop --offline to reach any other host"
  const { close } = interceptUpstream(upstream, refusal)
  // The fixtures are served in-process: the politeness meant for real servers would only slow the demo.
  const contact = defaulted ? OFFLINE_CONTACT : settings.contact
  return {
    ok: true as const,
    settings: { ...settings, contact, requestsPerSecond: rateGiven ? settings.requestsPerSecond : 1000 },
    notes: [
      // msw intercepts fetch only: the AWS SDK reaches an s3:// store over node:https as usual.
      `Offline: BLS and DataUSA are served from the bundled fixtures (test/fixtures); ${
        settings.store.startsWith("s3://") ? `only the store, ${settings.store}, is reached` : "nothing goes to the internet"
      }.`,
      ...(defaulted ? [`Offline: no contact set, so the demo contact ${OFFLINE_CONTACT} is used (${settingSpecs.contact.env} sets yours).`] : []),
      ...(rateGiven ? [] : [`Offline: requests to the fixtures are not rate-limited (${settingSpecs.requestsPerSecond.env} sets a limit).`])
    ],
    stop: close
  }
}
