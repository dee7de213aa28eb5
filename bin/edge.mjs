// `npm run edge`: the Worker (worker/worker.ts) under workerd on this machine, through
// Miniflare, offline: R2 and the queues in memory. The settings (QUEST_CONTACT,
// BLS_ROOT_URL or BLS_BASE_URL, POPULATION_URL, …) come from this shell's environment, the
// port from PORT (default 8787). `GET /__scheduled` runs the Cron Trigger's job, as
// `wrangler dev --test-scheduled` does; `GET /report.json` and `GET /` answer once the
// queued runs have made the reports.
import { createServer } from "node:http"
import { Readable } from "node:stream"
import { settingSpecs } from "../domain/settingSpecs.ts"
import { startLocalWorker } from "../worker/localRuntime.ts"

const port = Number(process.env.PORT ?? "8787")
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`PORT=${JSON.stringify(process.env.PORT)} is not a port: give a whole number from 0 to 65535.`)
  process.exit(1)
}
const vars = Object.fromEntries(Object.values(settingSpecs).flatMap((spec) => process.env[spec.env] ? [[spec.env, process.env[spec.env]]] : []))
// A local run retries a failed survey after 5 s, not the deployed minute.
const worker = await startLocalWorker({ vars, retryDelaySeconds: 5 })

const server = createServer(async (request, response) => {
  try {
    if (request.url === "/__scheduled") {
      await worker.scheduled()
      return void response.writeHead(200, { "content-type": "text/plain" }).end("Ran the scheduled job: one message per survey is queued.\n")
    }
    const answer = await worker.mf.dispatchFetch(new URL(request.url ?? "/", worker.url), { method: request.method, headers: request.headers })
    response.writeHead(answer.status, Object.fromEntries(answer.headers))
    if (answer.body === null) return void response.end()
    Readable.fromWeb(answer.body).pipe(response)
  } catch (error) {
    response.writeHead(500, { "content-type": "text/plain" }).end(`${error instanceof Error ? error.message : String(error)}\n`)
  }
})
server.on("error", (error) => {
  console.error(error.code === "EADDRINUSE" ? `Port ${port} is in use: choose another with PORT.` : error.message)
  process.exit(1)
})
server.listen(port, "127.0.0.1", () =>
  console.log(`The Worker runs under workerd at http://127.0.0.1:${server.address().port}/ (GET /__scheduled runs the daily job; Ctrl-C stops it).`))
const stop = () => {
  server.close(() => void worker.mf.dispose().then(() => process.exit(0)))
  server.closeAllConnections()
}
process.on("SIGINT", stop)
process.on("SIGTERM", stop)
