/**
 * A function's store is the S3 bucket QUEST_STORE names: it has no folder worth keeping data
 * in, so any other location is refused (and no file-system code ships in the bundle).
 */
import type * as Layer from "effect/Layer"
import { refusedStore } from "../adapters/refusedStore.ts"
import { parseS3Location } from "../adapters/s3Location.ts"
import { s3StoreLayer } from "../adapters/s3Store.ts"
import type { ObjectStore, StoreError } from "../domain/store/ObjectStore.ts"

export const lambdaStoreLayer = (location: string): Layer.Layer<ObjectStore, StoreError> => {
  const s3 = parseS3Location(location)
  if (s3 === undefined) {
    return refusedStore(location, "a Lambda function stores its data in S3: set QUEST_STORE to s3://bucket or s3://bucket/prefix")
  }
  return "invalid" in s3 ? refusedStore(location, s3.invalid) : s3StoreLayer(s3)
}
