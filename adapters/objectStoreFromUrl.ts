/**
 * Picks the object store a location names (the `QUEST_STORE` setting):
 * `s3://bucket/prefix` is S3, anything else a local folder (relative to the working directory).
 */
import { Effect, Layer } from "effect"
import { ObjectStore, StoreError } from "../domain/store/ObjectStore.ts"
import { localStoreLayer } from "./localStore.ts"
import { s3StoreLayer } from "./s3Store.ts"

/** S3's bucket naming rules, in short: 3–63 of a-z, 0-9, `.`, `-`, starting and ending alphanumeric. */
const bucketName = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/

export const objectStoreLayerFor = (location: string): Layer.Layer<ObjectStore, StoreError> => {
  const refuse = (detail: string) =>
    Layer.effect(ObjectStore, Effect.fail(new StoreError({ operation: "open", key: "", location, detail })))
  const s3 = /^s3:\/\/([^/]*)\/?(.*)$/.exec(location)
  if (s3 !== null) {
    const [, bucket = "", prefix = ""] = s3
    if (!bucketName.test(bucket)) {
      return refuse(`"${bucket}" is not an S3 bucket name; write the store as s3://bucket or s3://bucket/prefix`)
    }
    return s3StoreLayer({ bucket, prefix })
  }
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(location)) {
    return refuse("only local folders and s3://bucket/prefix are supported as stores")
  }
  return localStoreLayer(location)
}
