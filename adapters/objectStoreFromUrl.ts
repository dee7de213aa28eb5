/**
 * Picks the object store a location names (the `QUEST_STORE` setting):
 * `s3://bucket/prefix` is S3, anything else a local folder (relative to the working directory).
 */
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import type { ObjectStore, StoreError } from "../domain/store/ObjectStore.ts"
import { localStoreLayer } from "./localStore.ts"
import { refusedStore } from "./refusedStore.ts"
import { isUrlLocation, parseS3Location } from "./s3Location.ts"

/** `concurrency` is the setting: on S3 it shares the parts in flight among the uploads. */
export const objectStoreLayerFor = (location: string, concurrency?: number): Layer.Layer<ObjectStore, StoreError> => {
  const s3 = parseS3Location(location)
  if (s3 !== undefined) {
    if ("invalid" in s3) return refusedStore(location, s3.invalid)
    // Loaded on demand: the AWS SDK costs a local run 100+ ms of start-up for nothing.
    return Layer.unwrap(Effect.promise(() => import("./s3Store.ts")).pipe(Effect.map((s3Store) => s3Store.s3StoreLayer({ ...s3, concurrency }))))
  }
  if (isUrlLocation(location)) {
    return refusedStore(location, "only local folders and s3://bucket/prefix are supported as stores")
  }
  return localStoreLayer(location)
}
