import { readFileSync } from "node:fs"
import { beforeAll, describe, expect, it } from "vitest"
import { generatedPages } from "../scripts/docs.ts"
import { type DeclaredStack, declareStack } from "./infra/mockStack.ts"

describe("docs/", () => {
  let stack: DeclaredStack
  beforeAll(async () => {
    stack = await declareStack("dev")
  })

  it("holds the generated pages as the code makes them now (run npm run docs after changing the stack or a setting)", async () => {
    for (const [file, text] of await generatedPages(stack)) {
      expect(readFileSync(file, "utf8"), `${file} is stale: run npm run docs`).toBe(text)
    }
  })

  it("has a runbook entry in operations.md for every alarm the stack declares, and none for an alarm it does not", () => {
    const declared = stack.ofType("aws:cloudwatch/metricAlarm:MetricAlarm")
      .map(({ name }) => name.replace(/^bls-quest-dev-/, "").replace(/^ingest-failed-pr$/, "ingest-failed-<survey>"))
    const documented = [...readFileSync("docs/operations.md", "utf8").matchAll(/^### `…-(.+)`$/gm)].map(([, alarm]) => alarm)
    expect(documented.sort()).toEqual(declared.sort())
  })

  it("counts in operations.md's costs the alarms and the custom metrics the stack declares", () => {
    const operations = readFileSync("docs/operations.md", "utf8")
    // The dev stack mirrors one survey: its alarms are the fixed ones and that survey's.
    const alarms = stack.ofType("aws:cloudwatch/metricAlarm:MetricAlarm").length
    const metrics = stack.ofType("aws:cloudwatch/logMetricFilter:LogMetricFilter").length
    expect(operations).toContain(`| CloudWatch alarms | ${alarms - 1} + one per survey,`)
    expect(operations).toContain(`| CloudWatch custom metrics | ${metrics} from log metric filters,`)
  })
})
