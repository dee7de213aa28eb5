/** A function builds its settings and services once per container, not once per invocation. */
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import { describe, expect, it } from "vitest"
import { FunctionSettings, lambdaRuntime } from "../../handlers/lambdaRuntime.ts"

class Client extends Context.Service<Client, { readonly id: number }>()("test/Client") {}

describe("lambdaRuntime", () => {
  it("builds the services once and hands every invocation the same ones", async () => {
    let builds = 0
    const runtime = lambdaRuntime((settings) =>
      Layer.effect(Client, Effect.sync(() => ({ id: ++builds, store: settings.store })))
    )
    const invocation = Effect.gen(function*() {
      const client = yield* Client
      const settings = yield* FunctionSettings
      return { client: client.id, store: settings.store }
    })
    const first = await runtime.runPromise(invocation)
    const second = await runtime.runPromise(invocation)
    expect([first, second]).toEqual([{ client: 1, store: "./data" }, { client: 1, store: "./data" }])
    expect(builds).toBe(1)
    await runtime.dispose()
  })

  it("keeps a failed build: every invocation of the container reports it, none rebuilds", async () => {
    let builds = 0
    const runtime = lambdaRuntime(() =>
      Layer.effect(Client, Effect.suspend(() => (builds++, Effect.fail(new Error("QUEST_STORE names no bucket")))))
    )
    for (let invocation = 0; invocation < 2; invocation++) {
      await expect(runtime.runPromise(Effect.gen(function*() { return yield* Client }))).rejects.toThrow("QUEST_STORE names no bucket")
    }
    expect(builds).toBe(1)
  })
})
