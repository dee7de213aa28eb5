/**
 * The settings' values, read through Effect's Config from the table in settingSpecs.ts
 * (the environment, or the CLI's flags laid over it), and checked.
 */
import { Config, Effect, Schema } from "effect"
import { defaultRetryPolicy } from "./http/retryPolicy.ts"
import type { SourcePolicy } from "./http/SourceHttp.ts"
import { type SettingSpec, settingSpecs } from "./settingSpecs.ts"

export { DEFAULT_BLS_BASE_URL, DEFAULT_POPULATION_URL, type SettingSpec, settingSpecs } from "./settingSpecs.ts"

export interface Settings {
  readonly store: string
  readonly contact: string
  readonly blsBaseUrl: string
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

/** Reads the settings from the current ConfigProvider (the environment by default). */
export const loadSettings: Effect.Effect<Settings, SettingsError> = Effect.gen(function*() {
  const s = settingSpecs
  const values = yield* Config.all({
    store: raw(s.store),
    contact: raw(s.contact),
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
  return {
    store: values.store,
    contact: values.contact.trim(),
    blsBaseUrl: values.blsBaseUrl,
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

/** The upstream etiquette the settings ask for. */
export const sourcePolicyOf = (settings: Settings): SourcePolicy => ({
  contact: settings.contact,
  requestsPerSecond: settings.requestsPerSecond,
  timeoutMs: settings.timeoutMs,
  transferTimeoutMs: settings.transferTimeoutMs,
  retry: { ...defaultRetryPolicy, maxRetries: settings.maxRetries, baseDelayMs: settings.retryBaseMs }
})
