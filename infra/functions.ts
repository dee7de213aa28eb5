/**
 * Functions: the ingest, fed one survey at a time by the survey queue (surveyFanOut.ts),
 * and the analytics, fed by the population notifications' queue.
 *
 * A failed survey's message is retried `ingestRetryAttempts` times by the queue, then
 * moves to the failed-runs queue. The asynchronous invoke configuration governs direct
 * invocations only: left alone, Lambda would retry a failed one twice and drop an event
 * that waited six hours without a trace; here at most `ingestRetryAttempts` retries,
 * events at most an hour old, and one that still fails or expires goes to the same queue.
 */
import * as aws from "@pulumi/aws"
import * as pulumi from "@pulumi/pulumi"
import { settingSpecs } from "../domain/settings.ts"
import { analyticsPolicy, ingestPolicy } from "./accessPolicies.ts"
import { type LambdaFunction, lambdaFunction } from "./lambdaFunction.ts"
import { RETENTION_SECONDS } from "./messaging.ts"
import { type StackSettings, surveyQueueConcurrency, VISIBILITY_TIMEOUT_FACTOR } from "./settings.ts"
import { perRunPoliteness, scheduleSurveys } from "./surveyFanOut.ts"

/** A scheduled run that could not start within an hour is stale: the next day's run will do. */
const INGEST_MAX_EVENT_AGE_SECONDS = 3600

export class Functions extends pulumi.ComponentResource {
  readonly ingest: LambdaFunction
  readonly analytics: LambdaFunction
  /** Where a survey run that failed its retries goes (the survey queue's dead letters), and a failed direct invocation. */
  readonly failedIngests: aws.sqs.Queue
  /** The first EventBridge rule that fills the survey queue (one per five surveys). */
  readonly rule: aws.cloudwatch.EventRule

  constructor(
    prefix: string,
    settings: StackSettings,
    { bucket, queue }: { bucket: aws.s3.Bucket; queue: aws.sqs.Queue },
    opts?: pulumi.ComponentResourceOptions
  ) {
    super("bls-quest:pipeline:Functions", `${prefix}-functions`, {}, opts)
    const parent = { parent: this }
    const store = pulumi.interpolate`s3://${bucket.bucket}`
    const { kmsKeyArn } = settings

    this.failedIngests = new aws.sqs.Queue(`${prefix}-ingest-failures`, {
      messageRetentionSeconds: RETENTION_SECONDS,
      sqsManagedSseEnabled: true
    }, parent)
    const surveyQueue = new aws.sqs.Queue(`${prefix}-surveys`, {
      // A day's message is stale the next day, when the schedule sends a new one.
      messageRetentionSeconds: 24 * 60 * 60,
      sqsManagedSseEnabled: true,
      visibilityTimeoutSeconds: settings.ingest.timeoutSeconds * VISIBILITY_TIMEOUT_FACTOR,
      redrivePolicy: pulumi.jsonStringify({ deadLetterTargetArn: this.failedIngests.arn, maxReceiveCount: settings.ingest.retryAttempts + 1 })
    }, parent)
    const politeness = perRunPoliteness(settings)

    this.ingest = lambdaFunction(prefix, settings, {
      name: "ingest",
      entry: "handlers/ingest.ts",
      description: "Mirrors one BLS survey per queue message (and, for pr, fetches the DataUSA population) into the data bucket",
      sizing: settings.ingest,
      // Named from the domain's settings table, so a renamed variable cannot be missed here.
      environment: {
        [settingSpecs.store.env]: store,
        [settingSpecs.contact.env]: settings.contact,
        [settingSpecs.surveys.env]: settings.surveys.join(","),
        [settingSpecs.blsRootUrl.env]: settings.blsRootUrl,
        ...(settings.blsBaseUrl === undefined ? {} : { [settingSpecs.blsBaseUrl.env]: settings.blsBaseUrl }),
        [settingSpecs.populationUrl.env]: settings.populationUrl,
        // Each run's share: all runs in flight together keep to the stack's settings.
        [settingSpecs.requestsPerSecond.env]: String(politeness.requestsPerSecond),
        [settingSpecs.concurrency.env]: String(politeness.concurrency),
        [settingSpecs.maxDeleteShare.env]: String(settings.maxDeleteShare)
      },
      policy: (logGroupArn) =>
        pulumi.all([bucket.arn, this.failedIngests.arn, surveyQueue.arn]).apply(([bucketArn, failedIngestsArn, queueArn]) =>
          ingestPolicy({ bucketArn, logGroupArn, failedIngestsArn, queueArn, surveys: settings.surveys, kmsKeyArn })
        ),
      reservedConcurrentExecutions: settings.ingest.reservedConcurrency
    }, parent)
    // Lambda checks the role may use the destination or read the queue: both declared after its policy.
    const afterIngestPolicy = { ...parent, dependsOn: [this.ingest.rolePolicy] }
    new aws.lambda.FunctionEventInvokeConfig(`${prefix}-ingest`, {
      functionName: this.ingest.function.name,
      maximumRetryAttempts: settings.ingest.retryAttempts,
      maximumEventAgeInSeconds: INGEST_MAX_EVENT_AGE_SECONDS,
      destinationConfig: { onFailure: { destination: this.failedIngests.arn } }
    }, afterIngestPolicy)
    // One message per invocation, so each survey runs within its own time limit.
    new aws.lambda.EventSourceMapping(`${prefix}-ingest`, {
      eventSourceArn: surveyQueue.arn,
      functionName: this.ingest.function.arn,
      batchSize: 1,
      scalingConfig: { maximumConcurrency: surveyQueueConcurrency(settings) },
      functionResponseTypes: ["ReportBatchItemFailures"]
    }, afterIngestPolicy)

    this.analytics = lambdaFunction(prefix, settings, {
      name: "analytics",
      entry: "handlers/analytics.ts",
      description: "Computes the reports from the mirror and the population, logs and stores them",
      sizing: settings.analytics,
      environment: {
        [settingSpecs.store.env]: store,
        // A 4 MB young generation keeps a large report run well under its memory at no cost
        // in speed (`npm run bench` measures the report run with and without it).
        NODE_OPTIONS: "--max-semi-space-size=4"
      },
      policy: (logGroupArn) =>
        pulumi.all([bucket.arn, queue.arn]).apply(([bucketArn, queueArn]) => analyticsPolicy({ bucketArn, logGroupArn, queueArn, kmsKeyArn }))
    }, parent)
    new aws.lambda.EventSourceMapping(`${prefix}-analytics`, {
      eventSourceArn: queue.arn,
      functionName: this.analytics.function.arn,
      batchSize: settings.analyticsBatchSize,
      functionResponseTypes: ["ReportBatchItemFailures"]
    }, { ...parent, dependsOn: [this.analytics.rolePolicy] })

    this.rule = scheduleSurveys(prefix, settings, surveyQueue, parent)
    this.registerOutputs({})
  }
}
