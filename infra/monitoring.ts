/**
 * Monitoring: alarms to an SNS topic (e-mail when configured) for a message in the
 * dead-letter queue; each survey's failed run (a partial batch failure, which Lambda's
 * Errors never counts); a survey run that exhausted its retries or could not start (the
 * failed-runs queue); a throttled ingest; errors of either function (a run that threw or
 * timed out); the first failed report; and no successful ingest for 26 hours. One
 * dashboard of the whole pipeline.
 *
 * The analytics function answers a failed report with a partial batch response, not an
 * error, so Lambda's Errors metric never sees it; the dead-letter alarm would fire only
 * after `maxReceiveCount` visibility timeouts (36 minutes by default). The failure is
 * counted from the log record the handler writes for it instead, at once.
 */
import * as aws from "@pulumi/aws"
import * as pulumi from "@pulumi/pulumi"
import { LogEvent } from "../handlers/logEvents.ts"
import type { DeployedFunction } from "./functions.ts"
import type { StackSettings } from "./settings.ts"

export interface MonitoredPipeline {
  readonly queue: aws.sqs.Queue
  readonly deadLetterQueue: aws.sqs.Queue
  readonly failedIngests: aws.sqs.Queue
  readonly ingest: DeployedFunction
  readonly analytics: DeployedFunction
}

/** A daily schedule with two hours' grace: one late or failed run is worth a page. */
export const INGEST_SILENCE_HOURS = 26
const HOUR = 3600
/** Errors and dead letters are counted over five minutes. */
const ERROR_PERIOD_SECONDS = 300

/** The custom metric: one per successful ingest, from the handler's success log line. */
export const ingestSucceededMetric = (prefix: string) => ({
  namespace: `BlsQuest/${prefix}`,
  name: "IngestSucceeded"
})

/** CloudWatch Logs filter syntax for the success line (see handlers/logEvents.ts). */
export const ingestSucceededPattern = `{ $.message.event = "${LogEvent.ingestSucceeded}" }`

/** The custom metric: one per failed analytics record (a failed report or an unreadable message). */
export const reportFailedMetric = (prefix: string) => ({ namespace: `BlsQuest/${prefix}`, name: "ReportFailed" })

/** The custom metric: one per failed survey run, by survey (the failure line names it). */
export const surveyFailedMetric = (prefix: string) => ({ namespace: `BlsQuest/${prefix}`, name: "SurveyRunFailed" })

export const surveyFailedPattern = `{ $.message.event = "${LogEvent.ingestFailed}" && $.message.survey = * }`

export const reportFailedPattern = `{ $.message.event = "${LogEvent.recordFailed}" }`

export class Monitoring extends pulumi.ComponentResource {
  readonly topic: aws.sns.Topic
  readonly alarms: ReadonlyArray<aws.cloudwatch.MetricAlarm>
  readonly dashboard: aws.cloudwatch.Dashboard
  readonly dashboardUrl: pulumi.Output<string>

  constructor(prefix: string, settings: StackSettings, pipeline: MonitoredPipeline, opts?: pulumi.ComponentResourceOptions) {
    super("bls-quest:pipeline:Monitoring", `${prefix}-monitoring`, {}, opts)
    const declared = declareMonitoring(prefix, settings, pipeline, { parent: this })
    this.topic = declared.topic
    this.alarms = declared.alarms
    this.dashboard = declared.dashboard
    this.dashboardUrl = declared.dashboardUrl
    this.registerOutputs({ alarmTopicArn: this.topic.arn, dashboardUrl: this.dashboardUrl })
  }
}

const declareMonitoring = (name: string, settings: StackSettings, pipeline: MonitoredPipeline, opts: { parent: pulumi.Resource }) => {
  const topic = new aws.sns.Topic(`${name}-alarms`, {}, opts)
  if (settings.alarmEmail !== undefined) {
    new aws.sns.TopicSubscription(`${name}-alarms-email`, {
      topic: topic.arn,
      protocol: "email",
      endpoint: settings.alarmEmail
    }, opts)
  }
  const notify = { alarmActions: [topic.arn], okActions: [topic.arn] }

  /** A metric counting one for each log record the pattern matches. */
  const countRecords = (filterName: string, fn: DeployedFunction, pattern: string, metric: { namespace: string; name: string }) => {
    new aws.cloudwatch.LogMetricFilter(`${name}-${filterName}`, {
      logGroupName: fn.logGroup.name,
      pattern,
      metricTransformation: { namespace: metric.namespace, name: metric.name, value: "1", unit: "Count" }
    }, opts)
    return metric
  }
  const succeeded = countRecords("ingest-succeeded", pipeline.ingest, ingestSucceededPattern, ingestSucceededMetric(name))
  const reportFailed = countRecords("report-failed", pipeline.analytics, reportFailedPattern, reportFailedMetric(name))
  const surveyFailed = surveyFailedMetric(name)
  // One filter, the survey as the metric's dimension: one alarm per survey reads it.
  new aws.cloudwatch.LogMetricFilter(`${name}-survey-failed`, {
    logGroupName: pipeline.ingest.logGroup.name,
    pattern: surveyFailedPattern,
    metricTransformation: {
      namespace: surveyFailed.namespace,
      name: surveyFailed.name,
      value: "1",
      unit: "Count",
      dimensions: { Survey: "$.message.survey" }
    }
  }, opts)

  /** Fires as soon as a five-minute window holds one occurrence. */
  const anyOccurrence = (
    alarmName: string,
    alarmDescription: string,
    metric: { namespace: string; metricName: string; statistic: string; dimensions?: Record<string, pulumi.Input<string>> }
  ) =>
    new aws.cloudwatch.MetricAlarm(`${name}-${alarmName}`, {
      alarmDescription,
      ...metric,
      period: ERROR_PERIOD_SECONDS,
      evaluationPeriods: 1,
      threshold: 1,
      comparisonOperator: "GreaterThanOrEqualToThreshold",
      treatMissingData: "notBreaching",
      ...notify
    }, opts)

  const alarms = [
    anyOccurrence("dead-letters", "A population notification failed analytics repeatedly and sits in the dead-letter queue", {
      namespace: "AWS/SQS",
      metricName: "ApproximateNumberOfMessagesVisible",
      statistic: "Maximum",
      dimensions: { QueueName: pipeline.deadLetterQueue.name }
    }),
    anyOccurrence("ingest-failed-runs", "A scheduled ingest failed after its retries, or waited too long to start: see the failed-runs queue", {
      namespace: "AWS/SQS",
      metricName: "ApproximateNumberOfMessagesVisible",
      statistic: "Maximum",
      dimensions: { QueueName: pipeline.failedIngests.name }
    }),
    anyOccurrence("report-failed", "The analytics could not produce the reports for a population notification (it will be retried)", {
      namespace: reportFailed.namespace,
      metricName: reportFailed.name,
      statistic: "Sum"
    }),
    ...settings.surveys.map((survey) =>
      anyOccurrence(`ingest-failed-${survey}`, `BLS survey ${survey} failed to sync (bls/${survey}/ keeps its previous copy); read ingest.failed with survey ${survey} in the ingest's log`, {
        namespace: surveyFailed.namespace,
        metricName: surveyFailed.name,
        statistic: "Sum",
        dimensions: { Survey: survey }
      })
    ),
    ...([["ingest", pipeline.ingest.function], ["analytics", pipeline.analytics.function]] as const).map(([role, fn]) =>
      anyOccurrence(`${role}-errors`, `The ${role} function failed`, {
        namespace: "AWS/Lambda",
        metricName: "Errors",
        statistic: "Sum",
        dimensions: { FunctionName: fn.name }
      })
    ),
    anyOccurrence("ingest-throttled", "Lambda refused to start a survey run (concurrency exhausted); its message is retried, then moves to the failed-runs queue", {
      namespace: "AWS/Lambda",
      metricName: "Throttles",
      statistic: "Sum",
      dimensions: { FunctionName: pipeline.ingest.function.name }
    }),
    // Hourly sums over 26 hours, missing data left missing: a new stack's alarm starts with
    // insufficient data and stays there, silent, until its first run (treating the hours
    // before it as breaching would page on day one); a success makes it OK; 26 hours
    // without one leave every period empty, and that turn to insufficient data notifies
    // like an alarm (insufficientDataActions), whether the runs fail or stopped.
    new aws.cloudwatch.MetricAlarm(`${name}-ingest-silent`, {
      alarmDescription: `No successful ingest for ${INGEST_SILENCE_HOURS} hours`,
      namespace: succeeded.namespace,
      metricName: succeeded.name,
      statistic: "Sum",
      period: HOUR,
      evaluationPeriods: INGEST_SILENCE_HOURS,
      datapointsToAlarm: INGEST_SILENCE_HOURS,
      threshold: 1,
      comparisonOperator: "LessThanThreshold",
      treatMissingData: "missing",
      ...notify,
      insufficientDataActions: [topic.arn]
    }, opts)
  ]

  const dashboard = new aws.cloudwatch.Dashboard(`${name}-pipeline`, {
    dashboardName: `${name}-pipeline`,
    dashboardBody: pulumi.jsonStringify(dashboardBody(name, settings, pipeline, alarms.map((alarm) => alarm.arn)))
  }, opts)
  const dashboardUrl = pulumi.interpolate`https://${settings.region}.console.aws.amazon.com/cloudwatch/home?region=${settings.region}#dashboards:name=${dashboard.dashboardName}`

  return { topic, alarms, dashboard, dashboardUrl }
}

const metricWidget = (
  region: string,
  title: string,
  metrics: ReadonlyArray<ReadonlyArray<pulumi.Input<string> | { stat: string }>>,
  position: { x: number; y: number }
) => ({
  type: "metric",
  ...position,
  width: 12,
  height: 6,
  properties: { title, region, metrics, view: "timeSeries", period: ERROR_PERIOD_SECONDS }
})

const dashboardBody = (
  prefix: string,
  settings: StackSettings,
  { queue, deadLetterQueue, failedIngests, ingest, analytics }: MonitoredPipeline,
  alarmArns: ReadonlyArray<pulumi.Output<string>>
) => {
  const region = settings.region
  const metric = ingestSucceededMetric(prefix)
  const failed = reportFailedMetric(prefix)
  const lambda = (metricName: string, stat: string) =>
    [ingest, analytics].map(({ function: fn }) => ["AWS/Lambda", metricName, "FunctionName", fn.name, { stat }])
  return {
    widgets: [
      { type: "alarm", x: 0, y: 0, width: 24, height: 3, properties: { title: "Alarms", alarms: alarmArns } },
      metricWidget(region, "Successful ingests, failed reports", [
        [metric.namespace, metric.name, { stat: "Sum" }],
        [failed.namespace, failed.name, { stat: "Sum" }]
      ], { x: 0, y: 3 }),
      metricWidget(region, "Function errors", lambda("Errors", "Sum"), { x: 12, y: 3 }),
      metricWidget(region, "Function duration (max, ms)", lambda("Duration", "Maximum"), { x: 0, y: 9 }),
      metricWidget(region, "Messages waiting (queue, dead letters, failed ingests)", [queue, deadLetterQueue, failedIngests].map((q) => [
        "AWS/SQS",
        "ApproximateNumberOfMessagesVisible",
        "QueueName",
        q.name,
        { stat: "Maximum" }
      ]), { x: 12, y: 9 }),
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
  }
}
