/**
 * The pipeline on Cloudflare: the Worker (worker/worker.ts, bundled) with its R2 bucket,
 * its queues and their consumers, the daily Cron Trigger and R2's notification of the
 * population, which starts the reports. What the Worker and Miniflare share (names,
 * consumer settings, compatibility) is in worker/deployment.ts.
 *
 *   cd cloudflare
 *   pulumi stack init prod
 *   pulumi config set accountId <account id>
 *   pulumi config set contact <your e-mail>
 *   CLOUDFLARE_API_TOKEN=… pulumi up
 */
import * as cloudflare from "@pulumi/cloudflare"
import * as pulumi from "@pulumi/pulumi"
import { POPULATION_KEY } from "../domain/storeKeys.ts"
import { bundleWorker } from "../worker/bundle.ts"
import { BINDINGS, COMPATIBILITY_DATE, COMPATIBILITY_FLAGS, CONSUMER, DAILY_CRON, QUEUES } from "../worker/deployment.ts"

const config = new pulumi.Config()
const accountId = config.require("accountId")
const name = config.require("name")

const bucket = new cloudflare.R2Bucket(name, { accountId, name })
const queues = {
  surveys: new cloudflare.Queue(QUEUES.surveys, { accountId, queueName: QUEUES.surveys }),
  reports: new cloudflare.Queue(QUEUES.reports, { accountId, queueName: QUEUES.reports }),
  failed: new cloudflare.Queue(QUEUES.failed, { accountId, queueName: QUEUES.failed })
}

const vars = { QUEST_CONTACT: config.require("contact"), QUEST_SURVEYS: config.require("surveys") }

// No REPORTS producer here: R2's notification puts the population's message on the reports queue.
const script = new cloudflare.WorkersScript(name, {
  accountId,
  scriptName: name,
  content: pulumi.output(bundleWorker()),
  mainModule: "worker.mjs",
  compatibilityDate: COMPATIBILITY_DATE,
  compatibilityFlags: COMPATIBILITY_FLAGS,
  observability: { enabled: true },
  bindings: [
    { type: "r2_bucket", name: BINDINGS.store, bucketName: bucket.name },
    { type: "queue", name: BINDINGS.surveys, queueName: queues.surveys.queueName },
    ...Object.entries(vars).map(([varName, text]) => ({ type: "plain_text", name: varName, text }))
  ]
})

for (const queue of ["surveys", "reports"] as const) {
  const { maxBatchSize, maxConcurrency, maxRetries, retryDelaySeconds } = CONSUMER[queue]
  new cloudflare.QueueConsumer(`${QUEUES[queue]}-consumer`, {
    accountId,
    queueId: queues[queue].queueId,
    scriptName: script.scriptName,
    type: "worker",
    deadLetterQueue: queues.failed.queueName,
    settings: { batchSize: maxBatchSize, maxConcurrency, maxRetries, retryDelay: retryDelaySeconds }
  })
}

new cloudflare.WorkersCronTrigger(`${name}-daily`, { accountId, scriptName: script.scriptName, schedules: [{ cron: DAILY_CRON }] })

new cloudflare.R2BucketEventNotification(`${name}-population`, {
  accountId,
  bucketName: bucket.name,
  queueId: queues.reports.queueId,
  rules: [{ actions: ["PutObject", "CompleteMultipartUpload"], prefix: POPULATION_KEY, description: "The population was written: make the reports" }]
})

export const workerName = script.scriptName
export const bucketName = bucket.name
