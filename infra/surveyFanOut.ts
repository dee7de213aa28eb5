/**
 * The daily fan-out: one ingest run per survey, each in its own invocation and time limit.
 *
 * EventBridge puts one message per survey on the survey queue (a rule holds at most five
 * targets, so surveys go five to a rule, all on the same schedule); the ingest consumes
 * it one message per invocation, at most `ingestMaxConcurrency` at once. No code of ours
 * schedules anything: EventBridge, SQS and the event source mapping do.
 *
 * Politeness holds across the concurrent runs because each gets its share: the request
 * rate and transfer concurrency are divided by the runs that may be in flight at once.
 */
import * as aws from "@pulumi/aws"
import * as pulumi from "@pulumi/pulumi"
import * as Schema from "effect/Schema"
import { SurveyMessageJson, surveyMessages } from "../domain/surveyMessages.ts"
import { sendOnlyFrom } from "./accessPolicies.ts"
import type { StackSettings } from "./settings.ts"

/** EventBridge's limit of targets per rule. */
const TARGETS_PER_RULE = 5

/** Runs in flight at once: never more than there are surveys. */
export const concurrentRuns = (settings: Pick<StackSettings, "surveys" | "ingest">) =>
  Math.min(settings.surveys.length, settings.ingest.maxConcurrency)

export const perRunPoliteness = (settings: Pick<StackSettings, "surveys" | "ingest" | "requestsPerSecond" | "concurrency">) => {
  const runs = concurrentRuns(settings)
  return { requestsPerSecond: settings.requestsPerSecond / runs, concurrency: Math.max(1, Math.floor(settings.concurrency / runs)) }
}

/** Declares the rules and their targets; returns the first rule. */
export const scheduleSurveys = (prefix: string, settings: StackSettings, queue: aws.sqs.Queue, opts: { parent: pulumi.Resource }) => {
  const messages = surveyMessages(settings.surveys)
  const rules: Array<aws.cloudwatch.EventRule> = []
  for (let first = 0; first < messages.length; first += TARGETS_PER_RULE) {
    const group = messages.slice(first, first + TARGETS_PER_RULE)
    // The first rule keeps the name the single-survey stack had.
    const rule = new aws.cloudwatch.EventRule(first === 0 ? `${prefix}-ingest` : `${prefix}-ingest-${first / TARGETS_PER_RULE + 1}`, {
      description: `Starts the ingest of ${group.map((message) => message.survey).join(", ")} (one run each)`,
      scheduleExpression: settings.schedule
    }, opts)
    for (const message of group) {
      new aws.cloudwatch.EventTarget(`${prefix}-ingest-${message.survey}`, {
        rule: rule.name,
        arn: queue.arn,
        input: Schema.encodeSync(SurveyMessageJson)(message)
      }, opts)
    }
    rules.push(rule)
  }
  new aws.sqs.QueuePolicy(`${prefix}-surveys`, {
    queueUrl: queue.url,
    policy: pulumi.all([queue.arn, pulumi.all(rules.map((rule) => rule.arn))]).apply(([queueArn, ruleArns]) =>
      JSON.stringify(sendOnlyFrom("AllowScheduledSurveyRuns", "events.amazonaws.com", queueArn, { ArnEquals: { "aws:SourceArn": ruleArns } }))
    )
  }, opts)
  return rules[0]!
}
