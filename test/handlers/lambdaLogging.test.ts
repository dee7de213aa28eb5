/**
 * The functions log each record at its level: Lambda files a console.warn as WARN and a
 * console.info as INFO, so a warning written through console.log would read as INFO.
 */
import * as Effect from "effect/Effect"
import * as References from "effect/References"
import { afterEach, describe, expect, it, vi } from "vitest"
import { lambdaLogging, logEvent } from "../../handlers/lambdaLogging.ts"
import { LogEvent } from "../../handlers/logEvents.ts"

const methods = ["log", "debug", "info", "warn", "error"] as const

/** Every console call made while `run` runs, as [method, the one argument]. */
const consoleCalls = async (run: () => Promise<unknown> | void) => {
  const calls: Array<[string, unknown]> = []
  for (const method of methods) {
    vi.spyOn(console, method).mockImplementation((...args: Array<unknown>) => {
      expect(args, `console.${method} gets one record`).toHaveLength(1)
      calls.push([method, args[0]])
    })
  }
  await run()
  return calls
}

afterEach(() => vi.restoreAllMocks())

describe("a function's log lines", () => {
  it("write the domain's Effect logs as flat records, each with the console method of its level", async () => {
    const calls = await consoleCalls(() =>
      Effect.runPromise(
        Effect.gen(function*() {
          yield* Effect.logDebug("planning")
          yield* Effect.logInfo({ event: "sync.summary", message: "3 files added", added: 3 })
          yield* Effect.logWarning("BLS answered slowly")
          yield* Effect.logError("the listing was cut off")
          yield* Effect.logFatal("out of memory")
        }).pipe(Effect.provideService(References.MinimumLogLevel, "Debug"), Effect.provide(lambdaLogging))
      )
    )
    expect(calls.map(([method, record]) => [method, (record as { level: string }).level])).toEqual([
      ["debug", "DEBUG"],
      ["info", "INFO"],
      ["warn", "WARN"],
      ["error", "ERROR"],
      ["error", "FATAL"]
    ])
    expect(calls[1]![1]).toEqual({ time: expect.any(String), level: "INFO", event: "sync.summary", message: "3 files added", added: 3 })
    expect(calls[2]![1]).toMatchObject({ level: "WARN", event: "log", message: "BLS answered slowly" })
  })

  it("write the handlers' own lines in the same shape", async () => {
    const calls = await consoleCalls(() => {
      logEvent("ERROR", LogEvent.ingestFailed, "The BLS sync failed.", { error: "The BLS sync failed." })
      logEvent("INFO", LogEvent.recordSkipped, "Skipped message m-1.", { messageId: "m-1" })
    })
    expect(calls).toEqual([
      ["error", { time: expect.any(String), level: "ERROR", event: "ingest.failed", message: "The BLS sync failed.", error: "The BLS sync failed." }],
      ["info", { time: expect.any(String), level: "INFO", event: "analytics.record-skipped", message: "Skipped message m-1.", messageId: "m-1" }]
    ])
  })
})
