/**
 * A Worker that exposes the R2 store's operations over HTTP, so the store contract, run
 * from vitest, judges adapters/r2Store.ts inside workerd against Miniflare's R2.
 * PUT /object?key= takes the body as the options header says (`bytes`, `text` or a stream);
 * GET /object?key= answers the body with the object in a header; POST /op the rest.
 */
import type { R2Bucket } from "@cloudflare/workers-types/index.ts"
import * as Effect from "effect/Effect"
import { makeR2Store } from "../../adapters/r2Store.ts"
import { StoreError } from "../../domain/store/ObjectStore.ts"

const failed = (error: unknown) =>
  Response.json(error instanceof StoreError
    ? { operation: error.operation, key: error.key, location: error.location, detail: error.detail }
    : { detail: String(error) }, { status: 500 })

const answer = async (effect: Effect.Effect<unknown, StoreError>) => {
  const result = await Effect.runPromise(Effect.result(effect))
  return result._tag === "Success" ? Response.json({ value: result.success ?? null }) : failed(result.failure)
}

export default {
  async fetch(request: Request, env: { STORE: R2Bucket }): Promise<Response> {
    const store = makeR2Store(env.STORE)
    const url = new URL(request.url)
    const key = url.searchParams.get("key") ?? ""
    if (url.pathname === "/object" && request.method === "PUT") {
      const { kind, ...options } = JSON.parse(request.headers.get("x-options") ?? "{}")
      const body = kind === "text" ? await request.text() : kind === "bytes" ? new Uint8Array(await request.arrayBuffer()) : request.body!
      return answer(store.put(key, body, options))
    }
    if (url.pathname === "/object") {
      const found = await Effect.runPromise(Effect.result(store.get(key)))
      if (found._tag === "Failure") return failed(found.failure)
      if (found.success === undefined) return new Response(null, { status: 404 })
      return new Response(found.success.body, { headers: { "x-object": encodeURIComponent(JSON.stringify(found.success.object)) } })
    }
    const op = await request.json() as { op: string; key: string; to: string; options: never; olderThan: string }
    if (op.op === "location") return Response.json({ value: store.location })
    if (op.op === "list") return answer(store.list(op.key))
    if (op.op === "head") return answer(store.head(op.key))
    if (op.op === "delete") return answer(store.delete(op.key))
    if (op.op === "copy") return answer(store.copy(op.key, op.to, op.options))
    return new Response(`unknown op ${op.op}`, { status: 400 })
  }
}
