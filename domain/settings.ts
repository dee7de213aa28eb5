/** The pipeline's settings, read through each one's Config (settingSpecs.ts) from the current ConfigProvider. */
import * as Config from "effect/Config"
import * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"
import { defaultRetryPolicy } from "./http/retryPolicy.ts"
import type { SourcePolicy } from "./http/SourceHttp.ts"
import { blsBaseUrlRule, problemOf, settingSpecs } from "./settingSpecs.ts"

export { DEFAULT_BLS_BASE_URL, DEFAULT_BLS_ROOT_URL, DEFAULT_POPULATION_URL, type SettingSpec, settingSpecs } from "./settingSpecs.ts"

type Key = keyof typeof settingSpecs

/** Surveys come as a list of codes without repeats; URLs end with `/`; blsBaseUrl, when set, names one directory for a single survey. */
export type Settings = { readonly [K in Exclude<Key, "blsBaseUrl">]: Config.Success<(typeof settingSpecs)[K]["config"]> } & {
  readonly blsBaseUrl: string | undefined
}

export class SettingsError extends Schema.TaggedError<SettingsError>()("SettingsError", {
  /** The setting, its variable and the value it was given, so an edge can name what its user typed. */
  setting: Schema.String,
  env: Schema.String,
  value: Schema.String,
  /** What the value must be, e.g. "a whole number from 1 to 64". */
  rule: Schema.String
}) {
  /** The refusal in the words of where the value came from: `--concurrency="0" is not valid: …`. */
  as(name: string) {
    return `${name}=${JSON.stringify(this.value)} is not valid: it must be ${this.rule}.`
  }
  override get message() {
    return `${this.as(this.env)} See \`quest <command> --help\` or docs/configuration.md.`
  }
}

/** One setting through its Config; a refusal carries the value as given, for the message. */
const read = <K extends Key>(key: K, { config, env } = settingSpecs[key]) =>
  config.pipe(Effect.catch((error) =>
    Effect.flatMap(Config.String(env).pipe(Effect.orElseSucceed(() => "")), (value) =>
      new SettingsError({ setting: key, env, value, rule: problemOf(settingSpecs[key], error) }))
  ))

/** Reads the settings from the current ConfigProvider (the environment by default). */
export const loadSettings: Effect.Effect<Settings, SettingsError> = Effect.gen(function*() {
  const settings: Record<string, unknown> = {}
  for (const key of Object.keys(settingSpecs) as Array<Key>) settings[key] = yield* read(key)
  const { surveys, blsBaseUrl } = settings as Settings & { blsBaseUrl: string }
  const rule = blsBaseUrlRule({ surveys, blsBaseUrl }, (key) => settingSpecs[key].env)
  if (rule !== undefined) {
    return yield* new SettingsError({ setting: "blsBaseUrl", env: settingSpecs.blsBaseUrl.env, value: blsBaseUrl, rule })
  }
  return { ...settings, blsBaseUrl: blsBaseUrl || undefined } as Settings
})

/** One mirror per survey: its directory and its place in the store. */
export type SurveyMirror = { readonly survey: string; readonly baseUrl: string }

export const surveyMirrorsOf = (settings: Pick<Settings, "surveys" | "blsRootUrl" | "blsBaseUrl">): ReadonlyArray<SurveyMirror> =>
  settings.surveys.map((survey) => ({ survey, baseUrl: settings.blsBaseUrl ?? `${settings.blsRootUrl}${survey}/` }))

/** The upstream etiquette the settings ask for. */
export const sourcePolicyOf = (settings: Settings): SourcePolicy => ({
  contact: settings.contact,
  requestsPerSecond: settings.requestsPerSecond,
  timeoutMs: settings.timeoutMs,
  transferTimeoutMs: settings.transferTimeoutMs,
  retry: { ...defaultRetryPolicy, maxRetries: settings.maxRetries, baseDelayMs: settings.retryBaseMs }
})
