/** Reading the settings: defaults, the environment, and values refused with a clear message (the files derived from the table: test/docs.test.ts). */
import * as ConfigProvider from "effect/ConfigProvider"
import * as Effect from "effect/Effect"
import { describe, expect, it } from "vitest"
import { loadSettings, settingSpecs, surveyMirrorsOf } from "../domain/settings.ts"
import { allSettings, stackSpecs } from "../domain/settingSpecs.ts"

const load = (env: Record<string, string>) =>
  Effect.runPromiseExit(loadSettings.pipe(Effect.provide(ConfigProvider.layer(ConfigProvider.fromEnv({ env })))))

describe("the settings", () => {
  it("take every default from the settings table", async () => {
    const exit = await load({})
    expect(exit._tag).toBe("Success")
    if (exit._tag !== "Success") return
    for (const [name, spec] of Object.entries(settingSpecs)) {
      const value = (exit.value as unknown as Record<string, unknown>)[name]
      // Numbers and lists come back parsed; every default is written in its canonical form.
      expect(String(value ?? "")).toBe(spec.default ?? "")
    }
  })

  it("give a stack key left out of the stack's config its default, which passes the key's own rule", async () => {
    for (const [name, spec] of allSettings.filter(([, spec]) => spec.env === undefined)) {
      const value = await Effect.runPromise(spec.config.parse(ConfigProvider.fromUnknown({ [name]: "" })))
      expect(String(value), name).toBe(spec.default)
    }
    expect(await Effect.runPromise(stackSpecs.logRetentionDays.config.parse(ConfigProvider.fromUnknown({})))).toBe(30)
  })

  it("read the surveys as a list of codes, each mirrored from the root unless one directory is given", async () => {
    const exit = await load({ QUEST_SURVEYS: " pr, cu ,pr,la", BLS_ROOT_URL: "https://mirror.example/ts" })
    expect(exit._tag === "Success" && surveyMirrorsOf(exit.value)).toEqual([
      { survey: "pr", baseUrl: "https://mirror.example/ts/pr/" },
      { survey: "cu", baseUrl: "https://mirror.example/ts/cu/" },
      { survey: "la", baseUrl: "https://mirror.example/ts/la/" }
    ])
    const one = await load({ BLS_BASE_URL: "https://mirror.example/productivity/" })
    expect(one._tag === "Success" && surveyMirrorsOf(one.value)).toEqual([{ survey: "pr", baseUrl: "https://mirror.example/productivity/" }])
    for (const surveys of [" , ", "pr,CU", "pr,cu/x"]) {
      const refused = await load({ QUEST_SURVEYS: surveys })
      expect(refused._tag === "Failure" && String(refused.cause), surveys).toMatch(/QUEST_SURVEYS/)
    }
  })

  it("refuse one BLS directory for several surveys, naming the variables to change", async () => {
    const exit = await load({ QUEST_SURVEYS: "pr,cu", BLS_BASE_URL: "https://mirror.example/pr/" })
    const [error] = exit._tag === "Failure" ? exit.cause.reasons.map((r) => r._tag === "Fail" ? r.error.message : "") : []
    expect(error).toContain('BLS_BASE_URL="https://mirror.example/pr/" is not valid: it must be unset when QUEST_SURVEYS ' +
      "names several surveys (set BLS_ROOT_URL to the directory that holds them).")
  })

  it("read the environment, and accept 0 where it means 'never'", async () => {
    const exit = await load({ QUEST_STORE: "s3://b/p", QUEST_MAX_DELETE_SHARE: "0", QUEST_MAX_RETRIES: "0", QUEST_REQUESTS_PER_SECOND: "0.5" })
    expect(exit._tag === "Success" && exit.value).toMatchObject({ store: "s3://b/p", maxDeleteShare: 0, maxRetries: 0, requestsPerSecond: 0.5 })
  })

  for (const [env, value, problem] of [
    ["QUEST_CONCURRENCY", "0", /QUEST_CONCURRENCY="0" is not valid: it must be a whole number from 1 to 64\. See `quest <command> --help` or docs\/configuration\.md/],
    ["QUEST_CONCURRENCY", "2.5", /whole/],
    ["QUEST_MAX_DELETE_SHARE", "1.5", /a number from 0 to 1/],
    ["QUEST_REQUESTS_PER_SECOND", "fast", /QUEST_REQUESTS_PER_SECOND="fast"/]
  ] as const) {
    it(`refuse ${env}=${value}, saying why`, async () => {
      const exit = await load({ [env]: value })
      expect(exit._tag).toBe("Failure")
      expect(String(exit._tag === "Failure" ? exit.cause.reasons.map((r) => r._tag === "Fail" ? r.error.message : "") : "")).toMatch(problem)
    })
  }
})
