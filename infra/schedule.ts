/**
 * Schedule: an EventBridge rule starts the ingest (default daily at 06:00 UTC, after BLS's
 * morning releases), with the permission that lets EventBridge invoke it.
 */
import * as aws from "@pulumi/aws"
import type { StackSettings } from "./settings.ts"

export const schedule = (settings: StackSettings, ingest: aws.lambda.Function) => {
  const name = `${settings.namePrefix}-ingest`
  const rule = new aws.cloudwatch.EventRule(name, {
    description: "Starts the BLS sync and the population fetch",
    scheduleExpression: settings.schedule
  })
  const permission = new aws.lambda.Permission(name, {
    action: "lambda:InvokeFunction",
    function: ingest.name,
    principal: "events.amazonaws.com",
    sourceArn: rule.arn
  })
  new aws.cloudwatch.EventTarget(name, { rule: rule.name, arn: ingest.arn }, { dependsOn: [permission] })
  return { rule }
}
