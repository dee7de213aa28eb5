/**
 * The domain's own log lines (Effect.log*), as objects: with the functions' JSON log
 * format Lambda writes each as `{"level", "requestId", "message": {…}}`, queryable field
 * by field in CloudWatch Logs Insights, instead of a pretty-printed multi-line string.
 */
import { Logger } from "effect"

export const lambdaLogging = Logger.layer([Logger.consoleStructured])
