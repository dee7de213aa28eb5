import * as Effect from "effect/Effect"
import * as Logger from "effect/Logger"
import { describe, expect, it } from "vitest"
import { type LogRecord, recordLogger } from "../../domain/logging/logRecord.ts"

const capture = async (program: Effect.Effect<unknown, unknown>) => {
  const records: Array<LogRecord> = []
  await Effect.runPromise(Effect.exit(program).pipe(Effect.provide(Logger.layer([recordLogger((r) => records.push(r))]))))
  return records
}

describe("the log record shape", () => {
  it("is flat: time, level, event, message, then the event's fields and the annotations", async () => {
    const [record] = await capture(
      Effect.logWarning({ event: "sync.summary", message: "12 files", added: 12 }).pipe(
        Effect.annotateLogs({ survey: "pr" })
      )
    )
    expect(Object.keys(record!).slice(0, 4)).toEqual(["time", "level", "event", "message"])
    expect(record).toMatchObject({ level: "WARN", event: "sync.summary", message: "12 files", added: 12, survey: "pr" })
    expect(Number.isNaN(Date.parse(record!.time))).toBe(false)
  })

  it("gives a plain sentence the event 'log' and keeps a failure's sentence and trace", async () => {
    const [sentence] = await capture(Effect.logInfo("listing read"))
    expect(sentence).toMatchObject({ level: "INFO", event: "log", message: "listing read" })
    const [failure] = await capture(
      Effect.fail(new Error("the listing was cut off")).pipe(
        Effect.tapCause((cause) => Effect.logError({ event: "run.failed", message: "sync failed" }, cause))
      )
    )
    expect(failure).toMatchObject({ level: "ERROR", event: "run.failed", message: "sync failed", error: "the listing was cut off" })
    expect(failure!.cause).toContain("the listing was cut off")
  })
})
