/**
 * The store as a dry run sees it: reads go through, writes are skipped (and logged at
 * debug level). The reports have no dry-run mode of their own; with this, `--dry-run`
 * computes and prints them while the store stays exactly as it was.
 */
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import { ObjectStore, type ObjectStoreShape } from "../domain/store/ObjectStore.ts"

const skipped = (operation: string, key: string) => Effect.logDebug(`dry run: skipped ${operation} ${key}`)

export const readOnly = (store: ObjectStoreShape): ObjectStoreShape => ({
  ...store,
  put: (key, body) =>
    Effect.andThen(
      // A stream nobody reads must still be released.
      body instanceof ReadableStream ? Effect.promise(() => body.cancel().catch(() => undefined)) : Effect.void,
      Effect.as(skipped("put", key), { etag: "" })
    ),
  copy: (from, to) => skipped("copy", `${from} → ${to}`),
  delete: (key) => skipped("delete", key),
  sweepLeftovers: () => Effect.as(skipped("sweep", "leftovers"), []),
  // A dry run writes nothing, so a read-only store is fine for it.
  checkWritable: () => Effect.void
})

/** `layer`'s store, read-only. */
export const readOnlyLayer = <E, R>(layer: Layer.Layer<ObjectStore, E, R>): Layer.Layer<ObjectStore, E, R> =>
  Layer.effect(ObjectStore, Effect.map(ObjectStore, readOnly)).pipe(Layer.provide(layer))
