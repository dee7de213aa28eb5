/**
 * The bundled Worker under workerd (Miniflare, offline), against the fixture BLS and
 * DataUSA on loopback: the Cron Trigger's run mirrors pr into R2 and the queued reports
 * equal the golden ones; a second run asks BLS for the listing alone and writes nothing;
 * a failed survey's message is retried by the queue, then dead-lettered. R2 and the
 * queues here are Miniflare's implementations.
 */
import { afterEach, describe, expect, it } from "vitest"
import { QUEUES } from "../../worker/deployment.ts"
import { startLocalWorker } from "../../worker/localRuntime.ts"
import { expectGoldenReports } from "../cli/goldenReports.ts"
import { startFixtureServer } from "../support/fixtureServer.ts"
import { blsFixtureFiles } from "../support/upstream/fixtureData.ts"

const stops: Array<() => Promise<unknown>> = []
afterEach(async () => {
  for (const stop of stops.splice(0).reverse()) await stop()
})

/** Waits for `ready`, checking every 100 ms, for at most `ms`. */
const until = async (what: string, ready: () => boolean | Promise<boolean>, ms = 60_000) => {
  const end = Date.now() + ms
  while (!(await ready())) {
    if (Date.now() > end) throw new Error(`waited ${ms} ms for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
}

const start = async (surveys: string, neighbours: Parameters<typeof startLocalWorker>[0]["neighbours"] = []) => {
  const server = await startFixtureServer()
  stops.push(() => server.close())
  let output = ""
  const worker = await startLocalWorker({
    vars: {
      QUEST_CONTACT: "quest-edge-tests@example.com",
      QUEST_SURVEYS: surveys,
      BLS_ROOT_URL: server.blsRootUrl,
      POPULATION_URL: server.populationUrl,
      // One request per delivery: the queue, not the HTTP client, retries a failed run here.
      QUEST_MAX_RETRIES: "0"
    },
    retryDelaySeconds: 0,
    neighbours,
    onOutput: (text) => (output += text)
  })
  stops.push(() => worker.mf.dispose())
  const logged = (event: string) => output.split(`event: '${event}'`).length - 1
  return { server, worker, logged, output: () => output }
}

/** Every object in the bucket: key, etag and upload time. */
const snapshot = async (bucket: Awaited<ReturnType<Awaited<ReturnType<typeof start>>["worker"]["store"]>>) =>
  (await bucket.list({ limit: 1000 })).objects.map((object) => `${object.key} ${object.httpEtag} ${object.uploaded.toISOString()}`)

describe("the Worker on workerd (Miniflare)", () => {
  it("mirrors pr into R2, queues the golden reports, and a second run writes nothing", async () => {
    const { server, worker, logged, output } = await start("pr")
    const page = (path: string, init?: RequestInit) => worker.mf.dispatchFetch(new URL(path, worker.url), init as never)
    const none = await page("/report.json")
    expect(none.status).toBe(404)
    expect(await none.json()).toEqual({ error: expect.stringContaining("No report yet") })
    await worker.scheduled()
    await until("the reports", () => logged("analytics.reports") === 1)
    // The survey is a field of its own, as the Lambda logs it, for a query to count by.
    expect(output()).toMatch(/event: 'ingest\.succeeded',\s+message: '[^']*',\s+survey: 'pr'/)
    const bucket = await worker.store()

    const mirrored = (await bucket.list({ prefix: "bls/" })).objects
    const fixtures = blsFixtureFiles()
    expect(mirrored.map((object) => object.key)).toEqual(fixtures.map((file) => `bls/pr/${file.name}`).sort())
    for (const file of fixtures) {
      const object = await bucket.get(`bls/pr/${file.name}`)
      expect(Buffer.from(await object!.arrayBuffer()).equals(Buffer.from(file.bytes)), file.name).toBe(true)
    }

    const stored = await (await bucket.get("reports/latest/report.json"))!.text()
    expectGoldenReports(stored)
    const served = await page("/report.json")
    expect(served.status).toBe(200)
    expect(await served.text()).toBe(stored)
    const html = await page("/")
    expect(html.headers.get("content-type")).toBe("text/html; charset=utf-8")
    expect(await html.text()).toBe(await (await bucket.get("reports/latest/report.html"))!.text())
    // Read-only: nothing but GET and HEAD.
    const post = await page("/report.json", { method: "POST", body: "{}" })
    expect([post.status, post.headers.get("allow")]).toEqual([405, "GET, HEAD"])

    const before = await snapshot(bucket)
    server.upstream.log.clear()
    await worker.scheduled()
    await until("the second run", () => logged("ingest.succeeded") === 2)
    // Time for a reports message, were one sent, to be delivered (the batch timeout is 1 s).
    await new Promise((resolve) => setTimeout(resolve, 2_500))
    expect(server.upstream.log.count({ route: "bls-listing" })).toBe(1)
    expect(server.upstream.log.count({ route: "bls-file" })).toBe(0)
    expect(server.upstream.log.count({ route: "population" })).toBe(1)
    expect(logged("analytics.reports")).toBe(1)
    expect(await snapshot(bucket)).toEqual(before)
  }, 120_000)

  it("retries a failed survey's message by the queue's settings, then dead-letters it", async () => {
    const deadLetters = {
      name: "dead-letters",
      modules: true,
      script: `export default { async queue(batch, env) {
        for (const message of batch.messages) { await env.DEAD.put(message.id, JSON.stringify(message.body)); message.ack() }
      } }`,
      r2Buckets: { DEAD: "dead-letters" },
      queueConsumers: { [QUEUES.failed]: { maxBatchTimeout: 1 } }
    }
    const { server, worker, logged } = await start("pr,xx", [deadLetters])
    await worker.scheduled()
    const dead = await worker.mf.getR2Bucket("DEAD", "dead-letters")
    await until("the dead letter", async () => (await dead.list()).objects.length > 0)
    const [letter] = (await dead.list()).objects
    expect(JSON.parse(await (await dead.get(letter!.key))!.text())).toEqual({ survey: "xx", population: false })
    // The first delivery and its two retries, each one request for xx's listing (404).
    expect(server.upstream.log.entries().filter((entry) => entry.url.includes("/xx/")).map((entry) => entry.status)).toEqual([404, 404, 404])
    expect(logged("ingest.failed")).toBe(3)
    // pr is not held back by xx: its run and the reports went through.
    await until("the reports", () => logged("analytics.reports") === 1)
  }, 120_000)
})
