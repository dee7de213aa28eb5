/**
 * The store of a Lambda function: the S3 bucket QUEST_STORE names. A function has no
 * folder worth keeping data in, so any other location is refused rather than written to
 * the sandbox's /tmp — and no file-system store code ships in the bundle.
 */
import { Effect, Layer } from "effect"
import { s3StoreLayer } from "../adapters/s3Store.ts"
import { ObjectStore, StoreError } from "../domain/store/ObjectStore.ts"

export const lambdaStoreLayer = (location: string): Layer.Layer<ObjectStore, StoreError> => {
  const s3 = /^s3:\/\/([^/]+)\/?(.*)$/.exec(location)
  if (s3 === null) {
    const detail = "a Lambda function stores its data in S3: set QUEST_STORE to s3://bucket or s3://bucket/prefix"
    return Layer.effect(ObjectStore, Effect.fail(new StoreError({ operation: "open", key: "", location, detail })))
  }
  const [, bucket = "", prefix = ""] = s3
  return s3StoreLayer({ bucket, prefix })
}
