/**
 * The settings' values, read through Effect's Config from the table in settingSpecs.ts
 * (the environment, or the CLI's flags laid over it), and checked.
 */
import * as Config from "effect/Config"
import * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"
import { defaultRetryPolicy } from "./http/retryPolicy.ts"
import type { SourcePolicy } from "./http/SourceHttp.ts"
import { type SettingSpec, settingSpecs } from "./settingSpecs.ts"

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

const raw = (spec: SettingSpec) => Config.String(spec.env).pipe(Config.withDefault(spec.default ?? ""))

const numeric = (spec: SettingSpec, value: string, options: { integer?: boolean; max?: number; zero?: boolean } = {}) => {
  const parsed = Number(value)
  const valid = value.trim() !== "" && Number.isFinite(parsed) && (parsed > 0 || (options.zero === true && parsed === 0)) &&
    (options.integer !== true || Number.isInteger(parsed)) && (options.max === undefined || parsed <= options.max)
  const rule = `a ${options.integer === true ? "whole " : ""}number ${options.zero === true ? "from" : "above"} 0` +
    (options.max === undefined ? "" : ` to ${options.max}`)
  return valid
    ? Effect.succeed(parsed)
    : Effect.fail(new SettingsError({ detail: `${spec.env}=${JSON.stringify(value)} must be ${rule}`, env: spec.env, value, rule }))
}

/** BLS's survey codes are two letters (pr, cu, la, oe…); a few more allow for what may come. */
const SURVEY_CODE = /^[a-z][a-z0-9]{1,9}$/

export const SURVEYS_RULE = "survey codes separated by commas, e.g. pr,cu (lower-case letters and digits, as in BLS's directory names)"

/** The survey codes a list names, or what is wrong with it (for the CLI and the stack alike). */
export const parseSurveys = (value: string): { readonly codes: ReadonlyArray<string> } | { readonly problem: string } => {
  const codes = [...new Set(value.split(",").map((code) => code.trim()).filter((code) => code !== ""))]
  const bad = codes.find((code) => !SURVEY_CODE.test(code))
  if (bad !== undefined) return { problem: `${JSON.stringify(bad)} is not a survey code` }
  return codes.length === 0 ? { problem: "no survey is named" } : { codes }
}

const surveyList = (spec: SettingSpec, value: string) => {
  const parsed = parseSurveys(value)
  return "codes" in parsed
    ? Effect.succeed(parsed.codes)
    : Effect.fail(new SettingsError({
      detail: `${spec.env}=${JSON.stringify(value)}: ${parsed.problem}; it must be ${SURVEYS_RULE}`,
      env: spec.env,
      value,
      rule: `${SURVEYS_RULE}; ${parsed.problem}`
    }))
}

const directoryUrl = (spec: SettingSpec, value: string) => {
  const rule = "an http(s) URL"
  if (!/^https?:\/\/[^/]/i.test(value)) {
    return Effect.fail(new SettingsError({ detail: `${spec.env}=${JSON.stringify(value)} must be ${rule}`, env: spec.env, value, rule }))
  }
  return Effect.succeed(value.endsWith("/") ? value : `${value}/`)
}

/** Reads the settings from the current ConfigProvider (the environment by default). */
export const loadSettings: Effect.Effect<Settings, SettingsError> = Effect.gen(function*() {
  const s = settingSpecs
  const values = yield* Config.all({
    store: raw(s.store),
    contact: raw(s.contact),
    surveys: raw(s.surveys),
    blsRootUrl: raw(s.blsRootUrl),
    blsBaseUrl: raw(s.blsBaseUrl),
    populationUrl: raw(s.populationUrl),
    requestsPerSecond: raw(s.requestsPerSecond),
    concurrency: raw(s.concurrency),
    maxDeleteShare: raw(s.maxDeleteShare),
    maxRetries: raw(s.maxRetries),
    retryBaseMs: raw(s.retryBaseMs),
    timeoutMs: raw(s.timeoutMs),
    transferTimeoutMs: raw(s.transferTimeoutMs),
    maxReportDropShare: raw(s.maxReportDropShare)
  }).pipe(Effect.mapError((error) => new SettingsError({ detail: error.message })))
  const surveys = yield* surveyList(s.surveys, values.surveys)
  const blsBaseUrl = values.blsBaseUrl.trim() === "" ? undefined : values.blsBaseUrl.trim()
  if (blsBaseUrl !== undefined && surveys.length > 1) {
    return yield* new SettingsError({
      detail: `${s.blsBaseUrl.env} names one directory, but ${s.surveys.env} asks for ${surveys.length} surveys (${surveys.join(",")}); ` +
        `unset ${s.blsBaseUrl.env} and set ${s.blsRootUrl.env} to the directory that holds them`,
      env: s.blsBaseUrl.env,
      value: blsBaseUrl,
      rule: `unset when ${s.surveys.env} names several surveys (set ${s.blsRootUrl.env} to the directory that holds them)`
    })
  }
  return {
    store: values.store,
    contact: values.contact.trim(),
    surveys,
    blsRootUrl: yield* directoryUrl(s.blsRootUrl, values.blsRootUrl.trim()),
    blsBaseUrl,
    populationUrl: values.populationUrl,
    requestsPerSecond: yield* numeric(s.requestsPerSecond, values.requestsPerSecond),
    concurrency: yield* numeric(s.concurrency, values.concurrency, { integer: true }),
    // 0 is a legitimate choice for both: never delete without --force; never retry.
    maxDeleteShare: yield* numeric(s.maxDeleteShare, values.maxDeleteShare, { max: 1, zero: true }),
    maxRetries: yield* numeric(s.maxRetries, values.maxRetries, { integer: true, zero: true }),
    retryBaseMs: yield* numeric(s.retryBaseMs, values.retryBaseMs),
    timeoutMs: yield* numeric(s.timeoutMs, values.timeoutMs),
    transferTimeoutMs: yield* numeric(s.transferTimeoutMs, values.transferTimeoutMs),
    maxReportDropShare: yield* numeric(s.maxReportDropShare, values.maxReportDropShare, { max: 1, zero: true })
  }
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
