/** Reads `s3://bucket/prefix`, the form QUEST_STORE names an S3 store in. S3's bucket names, in short: */
const BUCKET_NAME = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/

/** Undefined when `location` is not an s3:// URL at all; `invalid` when it is not a usable one. */
export const parseS3Location = (location: string): { bucket: string; prefix: string } | { invalid: string } | undefined => {
  const match = /^s3:\/\/([^/]*)\/?(.*)$/.exec(location)
  if (match === null) return undefined
  const [, bucket = "", prefix = ""] = match
  return BUCKET_NAME.test(bucket)
    ? { bucket, prefix }
    : { invalid: `"${bucket}" is not an S3 bucket name; write the store as s3://bucket or s3://bucket/prefix` }
}

/** A location written as a URL (`scheme://…`) rather than a folder; of those, only s3:// names a store. */
export const isUrlLocation = (location: string): boolean => /^[a-z][a-z0-9+.-]*:\/\//i.test(location)
