/**
 * Messaging: creating the population JSON notifies the analytics queue; a message that
 * fails `maxReceiveCount` times moves to the dead-letter queue (and raises an alarm).
 *
 * Both queues use SQS-managed encryption (SSE-SQS): S3 can deliver notifications to it
 * without a key policy, which the AWS-managed `aws/sqs` KMS key would not allow.
 */
import * as aws from "@pulumi/aws"
import * as pulumi from "@pulumi/pulumi"
import { type StackSettings, VISIBILITY_TIMEOUT_FACTOR } from "./settings.ts"
import { NOTIFICATION_FILTER } from "./storeLayout.ts"


/** The longest SQS keeps a message: time to look at a failure before it is gone. */
export const RETENTION_SECONDS = 14 * 24 * 60 * 60

/** Only S3, on behalf of this bucket in this account, may send to the queue. */
export const queuePolicyDocument = (queueArn: string, bucketArn: string, accountId: string) => ({
  Version: "2012-10-17",
  Statement: [{
    Sid: "AllowPopulationBucketNotifications",
    Effect: "Allow",
    Principal: { Service: "s3.amazonaws.com" },
    Action: "sqs:SendMessage",
    Resource: queueArn,
    Condition: {
      ArnEquals: { "aws:SourceArn": bucketArn },
      StringEquals: { "aws:SourceAccount": accountId }
    }
  }]
})

export class Messaging extends pulumi.ComponentResource {
  readonly queue: aws.sqs.Queue
  readonly deadLetterQueue: aws.sqs.Queue
  readonly notification: aws.s3.BucketNotification

  constructor(prefix: string, settings: StackSettings, bucket: aws.s3.Bucket, opts?: pulumi.ComponentResourceOptions) {
    super("bls-quest:pipeline:Messaging", `${prefix}-messaging`, {}, opts)
    const declared = declareQueues(`${prefix}-analytics`, settings, bucket, { parent: this })
    this.queue = declared.queue
    this.deadLetterQueue = declared.deadLetterQueue
    this.notification = declared.notification
    this.registerOutputs({ queueUrl: this.queue.url, deadLetterQueueUrl: this.deadLetterQueue.url })
  }
}

const declareQueues = (name: string, settings: StackSettings, bucket: aws.s3.Bucket, opts: { parent: pulumi.Resource }) => {
  const deadLetterQueue = new aws.sqs.Queue(`${name}-dlq`, {
    messageRetentionSeconds: RETENTION_SECONDS,
    sqsManagedSseEnabled: true
  }, opts)

  const queue = new aws.sqs.Queue(name, {
    messageRetentionSeconds: RETENTION_SECONDS,
    sqsManagedSseEnabled: true,
    visibilityTimeoutSeconds: settings.analytics.timeoutSeconds * VISIBILITY_TIMEOUT_FACTOR,
    redrivePolicy: pulumi.jsonStringify({
      deadLetterTargetArn: deadLetterQueue.arn,
      maxReceiveCount: settings.maxReceiveCount
    })
  }, opts)

  // Only the analytics queue may use the dead-letter queue.
  new aws.sqs.RedriveAllowPolicy(`${name}-dlq`, {
    queueUrl: deadLetterQueue.url,
    redriveAllowPolicy: pulumi.jsonStringify({ redrivePermission: "byQueue", sourceQueueArns: [queue.arn] })
  }, opts)

  const accountId = aws.getCallerIdentityOutput({}, opts).accountId
  const queuePolicy = new aws.sqs.QueuePolicy(name, {
    queueUrl: queue.url,
    policy: pulumi.all([queue.arn, bucket.arn, accountId]).apply(([queueArn, bucketArn, account]) =>
      JSON.stringify(queuePolicyDocument(queueArn, bucketArn, account))
    )
  }, opts)

  // S3 checks that it may send when the notification is created: declare it after the policy.
  const notification = new aws.s3.BucketNotification(name, {
    bucket: bucket.id,
    queues: [{
      id: "population-to-analytics",
      queueArn: queue.arn,
      events: ["s3:ObjectCreated:*"],
      filterPrefix: NOTIFICATION_FILTER.prefix,
      filterSuffix: NOTIFICATION_FILTER.suffix
    }]
  }, { ...opts, dependsOn: [queuePolicy] })

  return { queue, deadLetterQueue, notification }
}
