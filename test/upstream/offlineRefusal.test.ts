/**
 * What a request to a host `--offline` does not serve fails with, through the product's own
 * client (ofetch + SourceHttp) under the CLI's interceptor. The CLI refuses such URLs in its
 * settings before starting (cli/offline.ts), so this is the guard behind that check: it must
 * fail at once, not be retried as a busy server, and say why in the CLI's words.
 */
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import { afterAll, describe, expect, it } from "vitest"
import { ofetchHttpLayer } from "../../adapters/ofetchHttp.ts"
import { startOffline } from "../../cli/offline.ts"
import { SourceHttp, sourceHttpLayer } from "../../domain/http/SourceHttp.ts"
import { loadSettings } from "../../domain/settings.ts"
import { failureOf, testPolicy } from "../support/pipelineLayer.ts"

const offline = startOffline(Effect.runSync(loadSettings), false)
afterAll(() => offline.ok && offline.stop())

describe("--offline and a host it does not serve", () => {
  it("fails at once, naming the URL and the --offline rule", async () => {
    const exit = await Effect.runPromiseExit(
      Effect.flatMap(SourceHttp, (source) => source.getBytes("https://example.org/x/", 1_000)).pipe(
        Effect.provide(sourceHttpLayer(testPolicy).pipe(Layer.provide(ofetchHttpLayer)))
      )
    )
    // Not "kept failing after 4 attempts (last: HTTP 500)": a status that is never retried.
    expect(failureOf(exit).message).toBe(
      "https://example.org/x/ answered HTTP 421 (--offline serves only BLS, DataUSA and this machine; " +
        "drop --offline to reach any other host), which the pipeline does not expect. " +
        "Check the configured URL; nothing was changed in the store."
    )
  })
})
