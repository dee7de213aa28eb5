/**
 * A stand-in for the AWS Lambda Node.js runtime, enough to run a function archive the way
 * Lambda does: load `<module>.js` from the task root with `require` (the root holds no
 * package.json, so it is CommonJS), call the exported handler with the event and a
 * context, and report what it returned or threw. Like the real runtime with the JSON log
 * format, it turns each console call into one JSON line on stdout:
 * `{"timestamp","level","requestId","message"}`, with a single argument kept as it is.
 *
 *   node lambdaRuntime.cjs <task root> <module.export> [--load-only] 3> result.json
 *
 * The event comes on stdin; the outcome goes to file descriptor 3 as
 * `{"loadMs", "result"}` or `{"loadMs", "error": {"errorType", "errorMessage"}}`; with
 * `--load-only`, `{"loadMs", "loadCpuMs"}` (the CPU time the load took, all threads).
 * It uses nothing but Node itself: the test copies it next to the archive and runs it
 * under Node's permission model, so the only files the function can read are its own.
 */
"use strict"
const fs = require("node:fs")
const path = require("node:path")
const util = require("node:util")

const [taskRoot, handlerName, mode] = process.argv.slice(2)
const requestId = "8f5d3b52-0e2a-4c8e-9b1e-4a6f2c7d9e01"

const report = (outcome) => fs.writeSync(3, JSON.stringify(outcome))

const errorFields = (value) =>
  value instanceof Error
    ? { errorType: value.name, errorMessage: value.message, stackTrace: String(value.stack).split("\n") }
    : value

const jsonLine = (level) => (...params) => {
  const entry = { timestamp: new Date().toISOString(), level, requestId }
  if (params.length === 1) {
    entry.message = params[0]
  } else {
    entry.message = util.format(...params)
  }
  let line
  try {
    line = JSON.stringify(entry, (_, value) => errorFields(value))
  } catch {
    line = JSON.stringify({ ...entry, message: util.format(...params) })
  }
  process.stdout.write(line + "\n")
}

console.trace = jsonLine("TRACE")
console.debug = jsonLine("DEBUG")
console.info = jsonLine("INFO")
console.log = console.info
console.warn = jsonLine("WARN")
console.error = jsonLine("ERROR")

const main = async () => {
  const [moduleName, exportName] = handlerName.split(".")
  const started = performance.now()
  const cpuBefore = process.cpuUsage()
  const loaded = require(path.join(taskRoot, `${moduleName}.js`))
  const loadMs = performance.now() - started
  const cpu = process.cpuUsage(cpuBefore)
  const loadCpuMs = (cpu.user + cpu.system) / 1000
  const handler = loaded[exportName]
  if (typeof handler !== "function") throw new Error(`${handlerName} is not a function`)
  if (mode === "--load-only") return report({ loadMs, loadCpuMs })

  const event = JSON.parse(fs.readFileSync(0, "utf8"))
  const deadline = Date.now() + Number(process.env.AWS_LAMBDA_FUNCTION_TIMEOUT ?? "900") * 1000
  const context = {
    awsRequestId: requestId,
    functionName: process.env.AWS_LAMBDA_FUNCTION_NAME,
    functionVersion: "$LATEST",
    invokedFunctionArn: process.env.LAMBDA_FUNCTION_ARN,
    memoryLimitInMB: process.env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE,
    logGroupName: process.env.AWS_LAMBDA_LOG_GROUP_NAME,
    logStreamName: "2026/06/04/[$LATEST]0123456789abcdef",
    callbackWaitsForEmptyEventLoop: true,
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now())
  }
  try {
    report({ loadMs, result: await handler(event, context) })
  } catch (error) {
    report({ loadMs, error: errorFields(error) })
  }
}

main().catch((error) => {
  report({ error: errorFields(error) })
  process.exitCode = 1
})
