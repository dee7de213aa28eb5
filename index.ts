/**
 * The stack, in the order of the pipeline (see the README's diagram):
 * settings → storage → messaging → functions → schedule → monitoring → outputs.
 *
 * Pulumi runs this file as an ES module with Node's own type stripping (Pulumi.yaml:
 * `typescript: false`, so no ts-node), exactly as `node index.ts` would.
 */
import { functions } from "./infra/functions.ts"
import { messaging } from "./infra/messaging.ts"
import { monitoring } from "./infra/monitoring.ts"
import { schedule } from "./infra/schedule.ts"
import { readStackSettings } from "./infra/settings.ts"
import { storage } from "./infra/storage.ts"

const settings = readStackSettings()
const { bucket } = storage(settings)
const { queue, deadLetterQueue } = messaging(settings, bucket)
const { ingest, analytics } = functions(settings, bucket, queue)
const { rule } = schedule(settings, ingest.function)
const { topic, dashboardUrl } = monitoring(settings, { queue, deadLetterQueue, ingest, analytics })

export const bucketName = bucket.bucket
export const queueUrl = queue.url
export const deadLetterQueueUrl = deadLetterQueue.url
export const ingestFunctionName = ingest.function.name
export const analyticsFunctionName = analytics.function.name
export const scheduleRuleName = rule.name
export const alarmTopicArn = topic.arn
export { dashboardUrl }
