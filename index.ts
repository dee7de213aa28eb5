/**
 * The stack: its settings, one Pipeline (infra/pipeline.ts) named after the project and
 * stack, and its outputs. Pulumi runs this file with Node's own type stripping
 * (Pulumi.yaml: `typescript: false`, no ts-node), exactly as `node index.ts` would.
 */
import * as pulumi from "@pulumi/pulumi"
import { Pipeline } from "./infra/pipeline.ts"
import { pipelineName } from "./infra/resourceNames.ts"
import { readStackSettings } from "./infra/settings.ts"

const settings = readStackSettings()
const pipeline = new Pipeline(pipelineName(pulumi.getProject(), pulumi.getStack()), settings)
const { storage, messaging, functions, catalog, monitoring } = pipeline

export const bucketName = storage.bucket.bucket
export const queueUrl = messaging.queue.url
export const deadLetterQueueUrl = messaging.deadLetterQueue.url
export const ingestFunctionName = functions.ingest.function.name
export const analyticsFunctionName = functions.analytics.function.name
export const ingestLogGroupName = functions.ingest.logGroup.name
export const analyticsLogGroupName = functions.analytics.logGroup.name
export const failedIngestsQueueUrl = functions.failedIngests.url
export const scheduleRuleName = functions.rule.name
export const catalogDatabase = catalog.database.name
export const athenaWorkgroup = catalog.workgroup.name
export const queryEditorUrl = catalog.queryEditorUrl
export const analystPolicyArn = catalog.analystPolicy.arn
export const alarmTopicArn = monitoring.topic.arn
export const dashboardUrl = monitoring.dashboardUrl
