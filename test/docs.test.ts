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
})
