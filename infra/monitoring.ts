/**
 * Monitoring: alarms to an SNS topic (e-mail when configured) for a message in the
 * dead-letter queue; each survey's failed run (a partial batch failure, which Lambda's
 * Errors never counts); a survey run that exhausted its retries or could not start (the
 * failed-runs queue); a throttled ingest; errors of either function (a run that threw or
 * timed out); the first failed report; and no successful ingest for 26 hours. One
 * dashboard of the whole pipeline.
 *
 * The analytics answers a failed report with a partial batch response, not an error, and
 * the dead-letter alarm would fire only after `maxReceiveCount` visibility timeouts: the
 * failure is counted at once from the log record the handler writes for it instead.
 */
import * as aws from "@pulumi/aws"
import * as pulumi from "@pulumi/pulumi"
import { LogEvent } from "../handlers/logEvents.ts"
import type { LambdaFunction } from "./lambdaFunction.ts"
import type { StackSettings } from "./settings.ts"

/** A daily schedule with two hours' grace: one late or failed run is worth a page. */
const INGEST_SILENCE_HOURS = 26
/** Errors and dead letters are counted over five minutes. */
const PERIOD_SECONDS = 300

interface Metric {
  readonly namespace: string
  readonly metricName: string
  readonly statistic: string
  readonly dimensions?: Record<string, pulumi.Input<string>>
}

const queueDepth = (queue: aws.sqs.Queue): Metric =>
  ({ namespace: "AWS/SQS", metricName: "ApproximateNumberOfMessagesVisible", statistic: "Maximum", dimensions: { QueueName: queue.name } })

const ofFunction = (metricName: string, statistic: string, fn: LambdaFunction): Metric =>
  ({ namespace: "AWS/Lambda", metricName, statistic, dimensions: { FunctionName: fn.function.name } })

/** A metric as a dashboard widget lists it. */
const plotted = ({ namespace, metricName, statistic, dimensions = {} }: Metric) =>
  [namespace, metricName, ...Object.entries(dimensions).flat(), { stat: statistic }]

export class Monitoring extends pulumi.ComponentResource {
  readonly topic: aws.sns.Topic
  readonly dashboardUrl: pulumi.Output<string>

  constructor(
    prefix: string,
    settings: StackSettings,
    pipeline: { queue: aws.sqs.Queue; deadLetterQueue: aws.sqs.Queue; failedIngests: aws.sqs.Queue; ingest: LambdaFunction; analytics: LambdaFunction },
    opts?: pulumi.ComponentResourceOptions
  ) {
    super("bls-quest:pipeline:Monitoring", `${prefix}-monitoring`, {}, opts)
    const parent = { parent: this }
    const { ingest, analytics } = pipeline
    const topic = this.topic = new aws.sns.Topic(`${prefix}-alarms`, {}, parent)
    if (settings.alarmEmail !== undefined) {
      new aws.sns.TopicSubscription(`${prefix}-alarms-email`, { topic: topic.arn, protocol: "email", endpoint: settings.alarmEmail }, parent)
    }
    const notify = { alarmActions: [topic.arn], okActions: [topic.arn] }

    /** A metric of ours counting one for each of the function's log records the filter matches (see handlers/logEvents.ts). */
    const countRecords = (filter: string, fn: LambdaFunction, name: string, pattern: string, dimensions?: Record<string, string>): Metric => {
      const namespace = `BlsQuest/${prefix}`
      new aws.cloudwatch.LogMetricFilter(`${prefix}-${filter}`, {
        logGroupName: fn.logGroup.name,
        pattern,
        metricTransformation: { namespace, name, value: "1", unit: "Count", ...(dimensions === undefined ? {} : { dimensions }) }
      }, parent)
      return { namespace, metricName: name, statistic: "Sum" }
    }
    const succeeded = countRecords("ingest-succeeded", ingest, "IngestSucceeded", `{ $.message.event = "${LogEvent.ingestSucceeded}" }`)
    const reportFailed = countRecords("report-failed", analytics, "ReportFailed", `{ $.message.event = "${LogEvent.recordFailed}" }`)
    // One filter, the survey as the metric's dimension: one alarm per survey reads it.
    const surveyFailed = countRecords("survey-failed", ingest, "SurveyRunFailed", `{ $.message.event = "${LogEvent.ingestFailed}" && $.message.survey = * }`, {
      Survey: "$.message.survey"
    })

    /** Fires as soon as a five-minute window holds one occurrence. */
    const anyOccurrence = (name: string, alarmDescription: string, metric: Metric) =>
      new aws.cloudwatch.MetricAlarm(`${prefix}-${name}`, {
        alarmDescription,
        ...metric,
        period: PERIOD_SECONDS,
        evaluationPeriods: 1,
        threshold: 1,
        comparisonOperator: "GreaterThanOrEqualToThreshold",
        treatMissingData: "notBreaching",
        ...notify
      }, parent)

    const alarms = [
      anyOccurrence("dead-letters", "A population notification failed analytics repeatedly and sits in the dead-letter queue", queueDepth(pipeline.deadLetterQueue)),
      anyOccurrence("ingest-failed-runs", "A scheduled ingest failed after its retries, or waited too long to start: see the failed-runs queue", queueDepth(pipeline.failedIngests)),
      anyOccurrence("report-failed", "The analytics could not produce the reports for a population notification (it will be retried)", reportFailed),
      ...settings.surveys.map((survey) =>
        anyOccurrence(`ingest-failed-${survey}`, `BLS survey ${survey} failed to sync (bls/${survey}/ keeps its previous copy); read ingest.failed with survey ${survey} in the ingest's log`, {
          ...surveyFailed,
          dimensions: { Survey: survey }
        })
      ),
      anyOccurrence("ingest-errors", "The ingest function failed", ofFunction("Errors", "Sum", ingest)),
      anyOccurrence("analytics-errors", "The analytics function failed", ofFunction("Errors", "Sum", analytics)),
      anyOccurrence("ingest-throttled", "Lambda refused to start a survey run (concurrency exhausted); its message is retried, then moves to the failed-runs queue", ofFunction("Throttles", "Sum", ingest)),
      // Hourly sums over 26 hours, missing data left missing: a new stack's alarm starts with
      // insufficient data and stays there, silent, until its first run (treating the hours
      // before it as breaching would page on day one); a success makes it OK; 26 hours
      // without one leave every period empty, and that turn to insufficient data notifies
      // like an alarm (insufficientDataActions), whether the runs fail or stopped.
      new aws.cloudwatch.MetricAlarm(`${prefix}-ingest-silent`, {
        alarmDescription: `No successful ingest for ${INGEST_SILENCE_HOURS} hours`,
        ...succeeded,
        period: 3600,
        evaluationPeriods: INGEST_SILENCE_HOURS,
        datapointsToAlarm: INGEST_SILENCE_HOURS,
        threshold: 1,
        comparisonOperator: "LessThanThreshold",
        treatMissingData: "missing",
        ...notify,
        insufficientDataActions: [topic.arn]
      }, parent)
    ]

    const region = settings.region
    const widget = (title: string, metrics: ReadonlyArray<Metric>, x: number, y: number) =>
      ({ type: "metric", x, y, width: 12, height: 6, properties: { title, region, metrics: metrics.map(plotted), view: "timeSeries", period: PERIOD_SECONDS } })
    const dashboard = new aws.cloudwatch.Dashboard(`${prefix}-pipeline`, {
      dashboardName: `${prefix}-pipeline`,
      dashboardBody: pulumi.jsonStringify({
        widgets: [
          { type: "alarm", x: 0, y: 0, width: 24, height: 3, properties: { title: "Alarms", alarms: alarms.map((alarm) => alarm.arn) } },
          widget("Successful ingests, failed reports", [succeeded, reportFailed], 0, 3),
          widget("Function errors", [ingest, analytics].map((fn) => ofFunction("Errors", "Sum", fn)), 12, 3),
          widget("Function duration (max, ms)", [ingest, analytics].map((fn) => ofFunction("Duration", "Maximum", fn)), 0, 9),
          widget("Messages waiting (queue, dead letters, failed ingests)", [pipeline.queue, pipeline.deadLetterQueue, pipeline.failedIngests].map(queueDepth), 12, 9),
          {
            type: "log",
            x: 0,
            y: 15,
            width: 24,
            height: 6,
            properties: {
              title: "Latest runs",
              region,
              query: pulumi.interpolate`SOURCE '${ingest.logGroup.name}' | SOURCE '${analytics.logGroup.name}' | fields @timestamp, message.level, message.event, message.message, message.error | filter ispresent(message.event) | sort @timestamp desc | limit 50`
            }
          }
        ]
      })
    }, parent)
    this.dashboardUrl = pulumi.interpolate`https://${region}.console.aws.amazon.com/cloudwatch/home?region=${region}#dashboards:name=${dashboard.dashboardName}`
    this.registerOutputs({})
  }
}
