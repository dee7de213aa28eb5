/**
 * The survey queue's message, as the fan-out writes it and the ingest reads it: a message
 * of another shape is refused with the field that is wrong, returned to the queue as a
 * partial batch failure, and runs nothing.
 */
import type { SQSEvent, SQSRecord } from "aws-lambda"
import { afterEach, describe, expect, it, vi } from "vitest"
import { handler } from "../../handlers/ingest.ts"
import { surveyMessages } from "../../domain/surveyMessages.ts"

const record = (messageId: string, body: string) => ({ messageId, body }) as SQSRecord
const errors = () => vi.mocked(console.error).mock.calls.map(([line]) => line as Record<string, unknown>)

afterEach(() => void vi.restoreAllMocks())

describe("the survey message", () => {
  it("rides the population with pr's message, or the first survey's without pr", () => {
    expect(surveyMessages(["cu", "pr"])).toEqual([{ survey: "cu", population: false }, { survey: "pr", population: true }])
    expect(surveyMessages(["cu", "ce"])).toEqual([{ survey: "cu", population: true }, { survey: "ce", population: false }])
  })

  it("is refused by the ingest, naming what is wrong, and returned to the queue", async () => {
    vi.spyOn(console, "error").mockImplementation(() => {})
    const event: SQSEvent = {
      Records: [
        record("no-population", JSON.stringify({ survey: "pr" })),
        record("number", JSON.stringify({ survey: 7, population: true })),
        record("not-json", "pr please")
      ]
    }
    expect(await handler(event)).toEqual({
      batchItemFailures: [{ itemIdentifier: "no-population" }, { itemIdentifier: "number" }, { itemIdentifier: "not-json" }]
    })
    expect(errors().map((line) => [line["event"], line["messageId"], line["message"]])).toEqual([
      ["ingest.failed", "no-population", `not a survey message (Missing key at ["population"]): {"survey":"pr"}`],
      ["ingest.failed", "number", `not a survey message (Expected string at ["survey"]): {"survey":7,"population":true}`],
      ["ingest.failed", "not-json", "not a survey message (Expected a valid JSON string): pr please"]
    ])
  })
})
