/**
 * CloudWatch's evaluation of a metric alarm, the part the stack uses: the alarm looks at
 * its last `evaluationPeriods` periods (one value each, the statistic already applied) and
 * fires when at least `datapointsToAlarm` of them breach the threshold; a period with no
 * data breaches or not as `treatMissingData` says ("missing" and "ignore" do not count it;
 * with every period empty, "missing" turns to INSUFFICIENT_DATA and "ignore" keeps the
 * state, which for a new alarm is INSUFFICIENT_DATA too). Enough to drive the metric a
 * handler really emits through the threshold the stack really declares.
 */
export interface DeclaredAlarm {
  readonly evaluationPeriods: number
  readonly datapointsToAlarm?: number
  readonly threshold: number
  readonly comparisonOperator: string
  readonly treatMissingData?: string
  readonly alarmActions?: ReadonlyArray<string>
  readonly insufficientDataActions?: ReadonlyArray<string>
}

const compare: Record<string, (value: number, threshold: number) => boolean> = {
  GreaterThanOrEqualToThreshold: (value, threshold) => value >= threshold,
  GreaterThanThreshold: (value, threshold) => value > threshold,
  LessThanThreshold: (value, threshold) => value < threshold,
  LessThanOrEqualToThreshold: (value, threshold) => value <= threshold
}

export type AlarmState = "OK" | "ALARM" | "INSUFFICIENT_DATA"

/** `periods`: one value per period, oldest first, `undefined` for a period without data. */
export const alarmState = (alarm: DeclaredAlarm, periods: ReadonlyArray<number | undefined>): AlarmState => {
  const breaches = compare[alarm.comparisonOperator]
  if (breaches === undefined) throw new Error(`a comparison this evaluator does not know: ${alarm.comparisonOperator}`)
  const window = periods.slice(-alarm.evaluationPeriods)
  while (window.length < alarm.evaluationPeriods) window.unshift(undefined)
  const counted = alarm.treatMissingData === "breaching" || alarm.treatMissingData === "notBreaching"
  if (!counted && window.every((value) => value === undefined)) return "INSUFFICIENT_DATA"
  const breaching = window.filter((value) =>
    value === undefined ? alarm.treatMissingData === "breaching" : breaches(value, alarm.threshold)
  ).length
  return breaching >= (alarm.datapointsToAlarm ?? alarm.evaluationPeriods) ? "ALARM" : "OK"
}

export const alarmFires = (alarm: DeclaredAlarm, periods: ReadonlyArray<number | undefined>): boolean =>
  alarmState(alarm, periods) === "ALARM"
