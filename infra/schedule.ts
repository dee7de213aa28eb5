/**
 * Schedule: an EventBridge rule starts the ingest (default daily at 06:00 UTC, after BLS's
 * morning releases), with the permission that lets EventBridge invoke it.
 */
import * as aws from "@pulumi/aws"
import type * as pulumi from "@pulumi/pulumi"
import type { StackSettings } from "./settings.ts"

export const schedule = (prefix: string, settings: StackSettings, ingest: aws.lambda.Function, opts: { parent: pulumi.Resource }) => {
  const name = `${prefix}-ingest`
  const rule = new aws.cloudwatch.EventRule(name, {
    description: "Starts the BLS sync and the population fetch",
    scheduleExpression: settings.schedule
  }, opts)
  const permission = new aws.lambda.Permission(name, {
    action: "lambda:InvokeFunction",
    function: ingest.name,
    principal: "events.amazonaws.com",
    sourceArn: rule.arn
  }, opts)
  new aws.cloudwatch.EventTarget(name, { rule: rule.name, arn: ingest.arn }, { ...opts, dependsOn: [permission] })
  return { rule }
}
