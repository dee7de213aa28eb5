/**
 * Storage: the data bucket (layout in storeLayout.ts), locked down — encrypted by default,
 * versioned, never public, owned by this account alone, reachable only over TLS — with
 * old versions and abandoned multipart uploads expiring on their own.
 *
 * What `pulumi destroy` does with it is the stack's choice (`dataOnDestroy`): delete — the
 * provider empties the bucket, every version and delete marker included, then deletes it;
 * keep — Pulumi forgets the bucket and its settings but leaves them in the account, still
 * encrypted, versioned, private and TLS-only (a replacement of the bucket keeps the old
 * one the same way).
 */
import * as aws from "@pulumi/aws"
import * as pulumi from "@pulumi/pulumi"
import { ATHENA_RESULTS_PREFIX } from "../domain/storeKeys.ts"
import { denyInsecureTransport } from "./accessPolicies.ts"
import type { StackSettings } from "./settings.ts"

/** An upload finishes within one run; a day-old unfinished one is debris (still billed). */
const UNFINISHED_UPLOAD_DAYS = 1
/** Athena's results under athena-results/ (infra/catalog.ts) are for the moment they are read. */
const ATHENA_RESULTS_DAYS = 3

export class Storage extends pulumi.ComponentResource {
  readonly bucket: aws.s3.Bucket

  constructor(prefix: string, settings: StackSettings, opts?: pulumi.ComponentResourceOptions) {
    super("bls-quest:pipeline:Storage", `${prefix}-storage`, {}, opts)
    const name = `${prefix}-data`
    const children = settings.keepDataOnDestroy ? { parent: this, retainOnDelete: true } : { parent: this }
    // forceDestroy takes effect once deployed: switching to delete needs a `pulumi up` first.
    const bucket = this.bucket = new aws.s3.Bucket(name, { forceDestroy: !settings.keepDataOnDestroy }, children)
    const { kmsKeyArn } = settings
    new aws.s3.BucketServerSideEncryptionConfiguration(name, {
      bucket: bucket.id,
      rules: [{
        applyServerSideEncryptionByDefault: kmsKeyArn === undefined ? { sseAlgorithm: "AES256" } : { sseAlgorithm: "aws:kms", kmsMasterKeyId: kmsKeyArn },
        // With KMS, a bucket key cuts the KMS requests (and their cost) of every sync.
        bucketKeyEnabled: kmsKeyArn !== undefined
      }]
    }, children)
    const versioning = new aws.s3.BucketVersioning(name, { bucket: bucket.id, versioningConfiguration: { status: "Enabled" } }, children)
    const publicAccess = new aws.s3.BucketPublicAccessBlock(name, {
      bucket: bucket.id,
      blockPublicAcls: true,
      blockPublicPolicy: true,
      ignorePublicAcls: true,
      restrictPublicBuckets: true
    }, children)
    new aws.s3.BucketOwnershipControls(name, { bucket: bucket.id, rule: { objectOwnership: "BucketOwnerEnforced" } }, children)
    // S3 rejects a bucket policy while the public-access block is still being applied.
    new aws.s3.BucketPolicy(name, {
      bucket: bucket.id,
      policy: bucket.arn.apply((arn) => JSON.stringify(denyInsecureTransport(arn)))
    }, { ...children, dependsOn: [publicAccess] })
    new aws.s3.BucketLifecycleConfiguration(name, {
      bucket: bucket.id,
      rules: [
        {
          id: "expire-noncurrent-versions",
          status: "Enabled",
          filter: {},
          noncurrentVersionExpiration: { noncurrentDays: settings.noncurrentVersionDays },
          // Once its old versions are gone, a deleted file leaves a bare delete marker: drop it.
          expiration: { expiredObjectDeleteMarker: true },
          abortIncompleteMultipartUpload: { daysAfterInitiation: UNFINISHED_UPLOAD_DAYS }
        },
        {
          id: "expire-athena-results",
          status: "Enabled",
          filter: { prefix: ATHENA_RESULTS_PREFIX },
          expiration: { days: ATHENA_RESULTS_DAYS },
          noncurrentVersionExpiration: { noncurrentDays: UNFINISHED_UPLOAD_DAYS }
        }
      ]
    }, { ...children, dependsOn: [versioning] })
    this.registerOutputs({})
  }
}
