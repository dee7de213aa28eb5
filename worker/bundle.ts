/**
 * The Worker as one ES module for workerd (esbuild): what Miniflare runs locally and what
 * the Cloudflare program uploads. node: modules stay imports (workerd's `nodejs_compat`
 * provides node:crypto); nothing of it enters the Lambda archives.
 */
import { build } from "esbuild"
import { fileURLToPath } from "node:url"

export const WORKER_ENTRY = fileURLToPath(new URL("./worker.ts", import.meta.url))

/** The bundled module's text. */
export const bundleWorker = async (entry = WORKER_ENTRY): Promise<string> => {
  const result = await build({
    entryPoints: [entry],
    bundle: true,
    write: false,
    format: "esm",
    platform: "neutral",
    target: "es2022",
    conditions: ["workerd", "worker", "browser"],
    mainFields: ["browser", "module", "main"],
    external: ["node:*"],
    minify: true,
    legalComments: "none",
    logLevel: "silent"
  })
  return result.outputFiles[0]!.text
}
