/**
 * The Cloudflare program (cloudflare/index.ts) under Pulumi's mocks: what it declares is
 * what the Worker expects of its deployment (worker/worker.ts) and what Miniflare runs in
 * test/worker — the bindings, compatibility, queues with their retries and dead letters,
 * the cron and R2's notification of the population.
 */
import * as pulumi from "@pulumi/pulumi"
import { load } from "js-yaml"
import { readFileSync } from "node:fs"
import { beforeAll, describe, expect, it } from "vitest"

interface Declared {
  readonly type: string
  readonly name: string
  readonly inputs: Record<string, any>
}

const resources: Array<Declared> = []

beforeAll(async () => {
  const project = load(readFileSync("cloudflare/Pulumi.yaml", "utf8")) as { name: string; config: Record<string, { default?: unknown }> }
  const config: Record<string, string> = { [`${project.name}:accountId`]: "acc123", [`${project.name}:contact`]: "ops@example.com" }
  for (const [key, entry] of Object.entries(project.config)) {
    if (entry.default !== undefined) config[`${project.name}:${key}`] = String(entry.default)
  }
  pulumi.runtime.setAllConfig(config)
  await pulumi.runtime.setMocks({
    newResource: ({ type, name, inputs }) => {
      resources.push({ type, name, inputs })
      return { id: `${name}-id`, state: { ...inputs, ...(type === "cloudflare:index/queue:Queue" ? { queueId: `${name}-id` } : {}) } }
    },
    call: ({ inputs }) => inputs
  }, project.name, "prod", false)
  await import("../../cloudflare/index.ts")
  await (pulumi.runtime as unknown as { waitForRPCs: () => Promise<void> }).waitForRPCs()
}, 60_000)

const declared = (type: string) => resources.filter((resource) => resource.type === `cloudflare:index/${type}`)

describe("the Cloudflare program (mocks)", () => {
  it("declares the bundled Worker with nodejs_compat, its bucket, the survey producer and the settings as vars", () => {
    const [script, ...others] = declared("workersScript:WorkersScript")
    expect(others).toEqual([])
    expect(script!.inputs).toMatchObject({
      accountId: "acc123",
      scriptName: "bls-quest",
      mainModule: "worker.mjs",
      compatibilityFlags: ["nodejs_compat"],
      compatibilityDate: expect.stringMatching(/^\d{4}-\d\d-\d\d$/)
    })
    expect(script!.inputs["content"]).toMatch(/export\{\w+ as default\}/)
    expect(script!.inputs["bindings"]).toEqual([
      { type: "r2_bucket", name: "STORE", bucketName: "bls-quest" },
      { type: "queue", name: "SURVEYS", queueName: "quest-surveys" },
      { type: "plain_text", name: "QUEST_CONTACT", text: "ops@example.com" },
      { type: "plain_text", name: "QUEST_SURVEYS", text: "pr" }
    ])
    expect(declared("r2Bucket:R2Bucket").map((bucket) => bucket.inputs)).toEqual([{ accountId: "acc123", name: "bls-quest" }])
  })

  it("consumes each queue with retries, one survey per invocation and one at a time, and dead-letters what keeps failing", () => {
    expect(declared("queue:Queue").map((queue) => queue.inputs["queueName"])).toEqual(["quest-surveys", "quest-reports", "quest-failed-runs"])
    expect(declared("queueConsumer:QueueConsumer").map((consumer) => consumer.inputs)).toEqual([
      expect.objectContaining({ queueId: "quest-surveys-id", scriptName: "bls-quest", type: "worker", deadLetterQueue: "quest-failed-runs", settings: { batchSize: 1, maxConcurrency: 1, maxRetries: 2, retryDelay: 60 } }),
      expect.objectContaining({ queueId: "quest-reports-id", scriptName: "bls-quest", type: "worker", deadLetterQueue: "quest-failed-runs", settings: { batchSize: 10, maxConcurrency: 1, maxRetries: 2, retryDelay: 60 } })
    ])
  })

  it("starts the daily job by cron, and the reports when R2 says the population was written", () => {
    expect(declared("workersCronTrigger:WorkersCronTrigger").map((trigger) => trigger.inputs["schedules"])).toEqual([[{ cron: "0 6 * * *" }]])
    expect(declared("r2BucketEventNotification:R2BucketEventNotification").map((notification) => notification.inputs)).toEqual([
      expect.objectContaining({
        bucketName: "bls-quest",
        queueId: "quest-reports-id",
        rules: [expect.objectContaining({ actions: ["PutObject", "CompleteMultipartUpload"], prefix: "population/population.json" })]
      })
    ])
  })
})
