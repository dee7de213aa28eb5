import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import { ObjectStore, StoreError } from "../domain/store/ObjectStore.ts"

/** A store layer that fails to open, saying why: for locations no store can serve. */
export const refusedStore = (location: string, detail: string): Layer.Layer<ObjectStore, StoreError> =>
  Layer.effect(ObjectStore, Effect.fail(new StoreError({ operation: "open", key: "", location, detail })))
