/**
 * Stack names as people write them give valid AWS names: the prefix alone, then every
 * name the mocked stack declares for such stacks, checked against AWS's rules for each kind.
 * And the pipeline is a tree of components that a program may declare twice.
 */
import { describe, expect, it } from "vitest"
import { MAX_PREFIX_LENGTH, pipelineName, VALID_PREFIX } from "../../infra/resourceNames.ts"
import { type DeclaredStack, declareStack } from "./mockStack.ts"

const LONG = "feature_add-the-current-employment-statistics-survey-to-the-mirror"

describe("pipelineName", () => {
  it("keeps a name that is valid already", () => {
    expect(pipelineName("bls-quest", "dev")).toBe("bls-quest-dev")
    expect(pipelineName("bls-quest", "staging-2")).toBe("bls-quest-staging-2")
  })

  it.each(["Prod", "Team.Prod_1", "team.dev", "feature_x", "__x__", LONG])("makes %j valid and distinct", (stack) => {
    const name = pipelineName("bls-quest", stack)
    expect(name).toMatch(VALID_PREFIX)
    expect(name.length).toBeLessThanOrEqual(MAX_PREFIX_LENGTH)
    expect(name).toMatch(/^bls-quest-/)
    // What it was rewritten from stays told apart: a hash of the original closes the name.
    expect(name).toMatch(/-[0-9a-f]{6}$/)
    expect(pipelineName("bls-quest", stack.toLowerCase().replace(/[._]/g, "-"))).not.toBe(name)
  })

  it("reads as the stack it came from", () => {
    expect(pipelineName("bls-quest", "Team.Prod_1")).toMatch(/^bls-quest-team-prod-1-[0-9a-f]{6}$/)
  })
})

/** AWS's rules for each name the stack gives or Pulumi makes (auto-names end in -xxxxxxx). */
const rules: Record<string, { field: string; rule: RegExp }> = {
  "aws:s3/bucket:Bucket": { field: "bucket", rule: /^(?!xn--)[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$/ },
  "aws:lambda/function:Function": { field: "name", rule: /^[A-Za-z0-9_-]{1,64}$/ },
  "aws:iam/role:Role": { field: "name", rule: /^[\w+=,.@-]{1,64}$/ },
  "aws:cloudwatch/dashboard:Dashboard": { field: "dashboardName", rule: /^[A-Za-z0-9_-]{1,255}$/ },
  "aws:cloudwatch/logGroup:LogGroup": { field: "name", rule: /^\/aws\/lambda\/[A-Za-z0-9_-]{1,64}$/ },
  "aws:sqs/queue:Queue": { field: "name", rule: /^[A-Za-z0-9_-]{1,80}$/ },
  "aws:cloudwatch/eventRule:EventRule": { field: "name", rule: /^[.\-_A-Za-z0-9]{1,64}$/ },
  "aws:sns/topic:Topic": { field: "name", rule: /^[A-Za-z0-9_-]{1,256}$/ }
}

describe.each(["Team.Prod_1", LONG])("the stack %j", (stackName) => {
  let stack: DeclaredStack
  it("declares names AWS accepts for every bucket, function, role, log group, queue, rule, topic and dashboard", async () => {
    stack = await declareStack(stackName, { "aws:region": "us-east-1" })
    for (const [type, { field, rule }] of Object.entries(rules)) {
      const declared = stack.ofType(type)
      expect(declared.length, type).toBeGreaterThan(0)
      for (const resource of declared) expect(String(resource.state[field]), `${type} ${resource.name}`).toMatch(rule)
    }
    // Each function logs to the group named after it.
    for (const fn of stack.ofType("aws:lambda/function:Function")) {
      expect(fn.inputs["loggingConfig"].logGroup).toBe(`/aws/lambda/${fn.inputs["name"]}`)
    }
  }, 120_000)
})

describe("the pipeline", () => {
  it("is one component of storage, messaging, functions, catalog and monitoring, holding every AWS resource", async () => {
    const stack = await declareStack("dev")
    const components = stack.resources.filter((resource) => !resource.custom)
    expect(components.map(({ type, name }) => `${type} ${name}`)).toEqual([
      "bls-quest:index:Pipeline bls-quest-dev",
      "bls-quest:pipeline:Storage bls-quest-dev-storage",
      "bls-quest:pipeline:Messaging bls-quest-dev-messaging",
      "bls-quest:pipeline:Functions bls-quest-dev-functions",
      "bls-quest:pipeline:Catalog bls-quest-dev-catalog",
      "bls-quest:pipeline:Monitoring bls-quest-dev-monitoring"
    ])
    // A URN names its parent's type (the mocks name only the nearest; the engine, all):
    // the four parts sit under the pipeline, and every AWS resource under one of them.
    const part = /^urn:pulumi:dev::bls-quest::bls-quest:index:Pipeline\$bls-quest:pipeline:(Storage|Messaging|Functions|Catalog|Monitoring)::/
    expect(stack.urns.filter((urn) => part.test(urn))).toHaveLength(5)
    const aws = stack.urns.filter((urn) => /[:$]aws:/.test(urn))
    expect(aws.length).toBe(stack.resources.filter((resource) => resource.custom).length)
    for (const urn of aws) expect(urn).toMatch(/^urn:pulumi:dev::bls-quest::bls-quest:pipeline:(Storage|Messaging|Functions|Catalog|Monitoring)\$aws:/)
  }, 120_000)

  it("can be declared twice in one program without a clash", async () => {
    const stack = await declareStack("dev", {}, new URL("./twoPipelines.ts", import.meta.url))
    expect(new Set(stack.urns).size).toBe(stack.urns.length)
    const functions = stack.ofType("aws:lambda/function:Function").map((fn) => fn.inputs["name"])
    expect(functions.sort()).toEqual(["quest-a-analytics", "quest-a-ingest", "quest-b-analytics", "quest-b-ingest"])
    const named = (type: string, field: string) => stack.ofType(type).map((resource) => resource.state[field])
    for (const [type, field] of [
      ["aws:cloudwatch/logGroup:LogGroup", "name"],
      ["aws:cloudwatch/dashboard:Dashboard", "dashboardName"],
      ["aws:s3/bucket:Bucket", "bucket"]
    ] as const) {
      const names = named(type, field)
      expect(names.length, type).toBe(2 * (type === "aws:cloudwatch/logGroup:LogGroup" ? 2 : 1))
      expect(new Set(names).size, type).toBe(names.length)
    }
    expect(stack.outputs).toEqual({ first: "quest-a-data-0a1b2c3", second: "quest-b-data-0a1b2c3" })
  }, 120_000)

  it("refuses a name that would make invalid AWS names", async () => {
    const { Pipeline } = await import("../../infra/pipeline.ts")
    expect(() => new Pipeline("Team.Prod_1", {} as never)).toThrow(/lower-case letters, digits and inner hyphens/)
  })
})
