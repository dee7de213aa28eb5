/**
 * The settings' values, read through Effect's Config from the table in settingSpecs.ts
 * (the environment, or the CLI's flags laid over it), and checked.
 */
import * as Config from "effect/Config"
import * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"
import { defaultRetryPolicy } from "./http/retryPolicy.ts"
import type { SourcePolicy } from "./http/SourceHttp.ts"
import { decodeSetting, settingSpecs, type SettingValue } from "./settingSpecs.ts"

export {
  DEFAULT_BLS_BASE_URL,
  DEFAULT_BLS_ROOT_URL,
  DEFAULT_POPULATION_URL,
  type SettingSpec,
  settingSpecs
} from "./settingSpecs.ts"

export interface Settings {
  readonly store: string
  readonly contact: string
  /** Survey codes, as given, without repeats: `["pr", "cu"]`. */
  readonly surveys: ReadonlyArray<string>
  /** Ends with `/`. */
  readonly blsRootUrl: string
  /** One directory in place of the root's, for a single survey. */
  readonly blsBaseUrl: string | undefined
  readonly populationUrl: string
  readonly requestsPerSecond: number
  readonly concurrency: number
  readonly maxDeleteShare: number
  readonly maxRetries: number
  readonly retryBaseMs: number
  readonly timeoutMs: number
  readonly transferTimeoutMs: number
  readonly maxReportDropShare: number
}

export class SettingsError extends Schema.TaggedError<SettingsError>()("SettingsError", {
  detail: Schema.String,
  /** The variable whose value is invalid and the value, so an edge can name what its user typed. */
  env: Schema.optional(Schema.String),
  value: Schema.optional(Schema.String),
  /** What the value must be, e.g. "a whole number above 0". */
  rule: Schema.optional(Schema.String)
}) {
  override get message() {
    return `A setting is invalid: ${this.detail}. See \`quest --help\` for every setting and its default.`
  }
}

type Key = keyof typeof settingSpecs

const raw = (key: Key) => Config.String(settingSpecs[key].env).pipe(Config.withDefault(settingSpecs[key].default ?? ""))

/** One setting, read and checked against its rule (settingSpecs.ts). */
const setting = <K extends Key>(key: K, value: string) => {
  const { env, rule } = settingSpecs[key]
  const decoded = decodeSetting(rule, value)
  return "value" in decoded
    ? Effect.succeed(decoded.value as SettingValue<(typeof settingSpecs)[K]["rule"]>)
    : Effect.fail(new SettingsError({ detail: `${env}=${JSON.stringify(value)} must be ${decoded.problem}`, env, value, rule: decoded.problem }))
}

const keys = Object.keys(settingSpecs) as Array<Key>

/** Reads the settings from the current ConfigProvider (the environment by default). */
export const loadSettings: Effect.Effect<Settings, SettingsError> = Effect.gen(function*() {
  const s = settingSpecs
  const values = yield* Config.all(Object.fromEntries(keys.map((key) => [key, raw(key)])) as Record<Key, Config.Config<string>>)
    .pipe(Effect.mapError((error) => new SettingsError({ detail: error.message })))
  const decoded: Record<string, unknown> = {}
  for (const key of keys) decoded[key] = yield* setting(key, values[key])
  const settings = decoded as unknown as Settings & { blsBaseUrl: string }
  const blsBaseUrl = settings.blsBaseUrl === "" ? undefined : settings.blsBaseUrl
  if (blsBaseUrl !== undefined && settings.surveys.length > 1) {
    return yield* new SettingsError({
      detail: `${s.blsBaseUrl.env} names one directory, but ${s.surveys.env} asks for ${settings.surveys.length} surveys (${settings.surveys.join(",")}); ` +
        `unset ${s.blsBaseUrl.env} and set ${s.blsRootUrl.env} to the directory that holds them`,
      env: s.blsBaseUrl.env,
      value: blsBaseUrl,
      rule: `unset when ${s.surveys.env} names several surveys (set ${s.blsRootUrl.env} to the directory that holds them)`
    })
  }
  return { ...settings, blsBaseUrl }
})

/** One mirror per survey: its directory and its place in the store. */
export interface SurveyMirror {
  readonly survey: string
  readonly baseUrl: string
}

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
