/**
 * Messaging: creating the population JSON notifies the analytics queue; a message that
 * fails `maxReceiveCount` times moves to the dead-letter queue (and raises an alarm).
 * Both queues use SQS-managed encryption (SSE-SQS): S3 can deliver notifications to it
 * without a key policy, which the AWS-managed `aws/sqs` KMS key would not allow.
 */
import * as aws from "@pulumi/aws"
import * as pulumi from "@pulumi/pulumi"
import { sendOnlyFrom } from "./accessPolicies.ts"
import { type StackSettings, VISIBILITY_TIMEOUT_FACTOR } from "./settings.ts"
import { NOTIFICATION_FILTER } from "./storeLayout.ts"

/** The longest SQS keeps a message: time to look at a failure before it is gone. */
export const RETENTION_SECONDS = 14 * 24 * 60 * 60

export class Messaging extends pulumi.ComponentResource {
  readonly queue: aws.sqs.Queue
  readonly deadLetterQueue: aws.sqs.Queue

  constructor(prefix: string, settings: StackSettings, bucket: aws.s3.Bucket, opts?: pulumi.ComponentResourceOptions) {
    super("bls-quest:pipeline:Messaging", `${prefix}-messaging`, {}, opts)
    const name = `${prefix}-analytics`
    const parent = { parent: this }
    this.deadLetterQueue = new aws.sqs.Queue(`${name}-dlq`, { messageRetentionSeconds: RETENTION_SECONDS, sqsManagedSseEnabled: true }, parent)
    this.queue = new aws.sqs.Queue(name, {
      messageRetentionSeconds: RETENTION_SECONDS,
      sqsManagedSseEnabled: true,
      visibilityTimeoutSeconds: settings.analytics.timeoutSeconds * VISIBILITY_TIMEOUT_FACTOR,
      redrivePolicy: pulumi.jsonStringify({ deadLetterTargetArn: this.deadLetterQueue.arn, maxReceiveCount: settings.maxReceiveCount })
    }, parent)
    // Only the analytics queue may use the dead-letter queue.
    new aws.sqs.RedriveAllowPolicy(`${name}-dlq`, {
      queueUrl: this.deadLetterQueue.url,
      redriveAllowPolicy: pulumi.jsonStringify({ redrivePermission: "byQueue", sourceQueueArns: [this.queue.arn] })
    }, parent)

    const accountId = aws.getCallerIdentityOutput({}, parent).accountId
    const queuePolicy = new aws.sqs.QueuePolicy(name, {
      queueUrl: this.queue.url,
      policy: pulumi.all([this.queue.arn, bucket.arn, accountId]).apply(([queueArn, bucketArn, account]) =>
        JSON.stringify(sendOnlyFrom("AllowPopulationBucketNotifications", "s3.amazonaws.com", queueArn, {
          ArnEquals: { "aws:SourceArn": bucketArn },
          StringEquals: { "aws:SourceAccount": account }
        }))
      )
    }, parent)
    // S3 checks that it may send when the notification is created: declared after the policy.
    new aws.s3.BucketNotification(name, {
      bucket: bucket.id,
      queues: [{
        id: "population-to-analytics",
        queueArn: this.queue.arn,
        events: ["s3:ObjectCreated:*"],
        filterPrefix: NOTIFICATION_FILTER.prefix,
        filterSuffix: NOTIFICATION_FILTER.suffix
      }]
    }, { ...parent, dependsOn: [queuePolicy] })
    this.registerOutputs({})
  }
}
