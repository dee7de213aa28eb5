/**
 * The store as a dry run sees it: reads go through, writes are skipped (logged at debug
 * level). With it, `--dry-run` computes and prints the reports while the store stays as it was.
 */
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import { ObjectStore, type ObjectStoreShape } from "../domain/store/ObjectStore.ts"

const skipped = (operation: string, key: string) => Effect.logDebug(`dry run: skipped ${operation} ${key}`)

export const readOnly = (store: ObjectStoreShape): ObjectStoreShape => ({
  ...store,
  // A stream nobody reads must still be released.
  put: (key, body) =>
    Effect.promise(async () => body instanceof ReadableStream && body.cancel().catch(() => undefined))
      .pipe(Effect.andThen(skipped("put", key)), Effect.as({ etag: "" })),
  copy: (from, to) => skipped("copy", `${from} → ${to}`),
  delete: (key) => skipped("delete", key),
  sweepLeftovers: () => Effect.as(skipped("sweep", "leftovers"), []),
  checkWritable: () => Effect.void
})

export const readOnlyLayer = <E, R>(layer: Layer.Layer<ObjectStore, E, R>): Layer.Layer<ObjectStore, E, R> =>
  Layer.effect(ObjectStore, Effect.map(ObjectStore, readOnly)).pipe(Layer.provide(layer))
