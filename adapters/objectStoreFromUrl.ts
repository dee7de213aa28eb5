/** The store `QUEST_STORE` names: `s3://bucket/prefix` is S3, anything else a local folder. */
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import type { ObjectStore, StoreError } from "../domain/store/ObjectStore.ts"
import { localStoreLayer } from "./localStore.ts"
import { refusedStore } from "./refusedStore.ts"
import { isUrlLocation, parseS3Location } from "./s3Location.ts"

/** `concurrency` is the setting: on S3 it also caps the streamed uploads in flight (at most 4). */
export const objectStoreLayerFor = (location: string, concurrency?: number): Layer.Layer<ObjectStore, StoreError> => {
  const s3 = parseS3Location(location)
  if (s3 === undefined) {
    return isUrlLocation(location)
      ? refusedStore(location, "only local folders and s3://bucket/prefix are supported as stores")
      : localStoreLayer(location)
  }
  if ("invalid" in s3) return refusedStore(location, s3.invalid)
  // Loaded on demand: a local run has no use for the AWS SDK's start-up.
  return Layer.unwrap(Effect.promise(() => import("./s3Store.ts")).pipe(Effect.map(({ s3StoreLayer }) => s3StoreLayer({ ...s3, concurrency }))))
}
