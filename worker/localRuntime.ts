/**
 * The Worker under workerd on this machine (Miniflare, offline): its R2 bucket in memory,
 * its queues with the deployed consumers' settings, and the ingest's `REPORTS` producer
 * standing in for R2's event notification, which Miniflare cannot send.
 */
import type { Readable } from "node:stream"
import { Miniflare, type WorkerOptions } from "miniflare"
import { bundleWorker } from "./bundle.ts"
import { BINDINGS, COMPATIBILITY_DATE, COMPATIBILITY_FLAGS, CONSUMER, QUEUES } from "./deployment.ts"

export interface LocalWorkerOptions {
  /** The Worker's vars: the settings (QUEST_CONTACT, BLS_ROOT_URL, …). */
  readonly vars: Readonly<Record<string, string>>
  /** Default: a free port. */
  readonly port?: number
  /** Seconds before a failed message's retry (default the deployed consumers'). */
  readonly retryDelaySeconds?: number
  /** Workers beside it (a test's dead-letter reader). */
  readonly neighbours?: ReadonlyArray<WorkerOptions>
  /** workerd's output, the Worker's log lines included (default: this process's). */
  readonly onOutput?: (text: string) => void
}

export const QUEST_WORKER = "quest"

export const startLocalWorker = async (options: LocalWorkerOptions) => {
  // (Miniflare has no maxConcurrency; a short batch timeout keeps local runs quick.)
  const consumer = (settings: typeof CONSUMER[keyof typeof CONSUMER]) => ({
    maxBatchSize: settings.maxBatchSize,
    maxBatchTimeout: 1,
    maxRetries: settings.maxRetries,
    retryDelay: options.retryDelaySeconds ?? settings.retryDelaySeconds,
    deadLetterQueue: QUEUES.failed
  })
  const { onOutput } = options
  const mf = new Miniflare({
    ...(options.port === undefined ? {} : { port: options.port }),
    unsafeTriggerHandlers: true,
    ...(onOutput === undefined ? {} : {
      handleRuntimeStdio: (stdout: Readable, stderr: Readable) => {
        stdout.setEncoding("utf8").on("data", onOutput)
        stderr.setEncoding("utf8").on("data", onOutput)
      }
    }),
    workers: [{
      name: QUEST_WORKER,
      modules: [{ type: "ESModule", path: "worker.mjs", contents: await bundleWorker() }],
      compatibilityDate: COMPATIBILITY_DATE,
      compatibilityFlags: [...COMPATIBILITY_FLAGS],
      bindings: { ...options.vars },
      r2Buckets: { [BINDINGS.store]: "quest-store" },
      queueProducers: { [BINDINGS.surveys]: { queueName: QUEUES.surveys }, [BINDINGS.reports]: { queueName: QUEUES.reports } },
      queueConsumers: { [QUEUES.surveys]: consumer(CONSUMER.surveys), [QUEUES.reports]: consumer(CONSUMER.reports) }
    }, ...(options.neighbours ?? [])]
  })
  const url = await mf.ready
  return {
    mf,
    url,
    /** Runs the Cron Trigger's handler now, as `wrangler dev --test-scheduled` does. */
    scheduled: async () => {
      const response = await mf.dispatchFetch(new URL("/cdn-cgi/handler/scheduled", url))
      const text = await response.text()
      if (!response.ok) throw new Error(`the scheduled run failed (${response.status}): ${text}`)
    },
    store: () => mf.getR2Bucket(BINDINGS.store, QUEST_WORKER)
  }
}
