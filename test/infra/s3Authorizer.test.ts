/**
 * The authorizer the archive test runs the functions behind answers as S3 would, for the
 * operations the archives may send but the fixtures are too small to need: a multipart
 * upload (lib-storage), a batch delete, and the read of a missing key.
 */
import { CreateBucketCommand, DeleteObjectsCommand, GetObjectCommand, S3Client } from "@aws-sdk/client-s3"
import { Upload } from "@aws-sdk/lib-storage"
import { beforeAll, expect, it } from "vitest"
import { describeWithMoto, MOTO_REGION } from "../support/moto.ts"
import { type Caller, type S3Authorizer, startS3Authorizer } from "./s3Authorizer.ts"

const ACCOUNT = "123456789012"
const BUCKET = "authorizer-test"
const KEY_ARN = `arn:aws:kms:${MOTO_REGION}:${ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`

/** A role that may write, read and delete under out/ only, with or without ListBucket and the key. */
const role = ({ list, key }: { list: boolean; key?: string }): Caller => ({
  principal: `arn:aws:iam::${ACCOUNT}:role/writer`,
  identity: {
    writer: {
      Version: "2012-10-17",
      Statement: [
        { Effect: "Allow", Action: ["s3:PutObject", "s3:GetObject", "s3:DeleteObject", "s3:AbortMultipartUpload"], Resource: `arn:aws:s3:::${BUCKET}/out/*` },
        ...(list ? [{ Effect: "Allow", Action: "s3:ListBucket", Resource: `arn:aws:s3:::${BUCKET}` }] : []),
        ...(key === undefined ? [] : [{ Effect: "Allow", Action: ["kms:GenerateDataKey", "kms:Decrypt"], Resource: key }])
      ]
    }
  },
  bucketPolicy: undefined,
  kmsKeyArn: key
})

describeWithMoto("the S3 authorizer", (moto) => {
  let gate: S3Authorizer
  let client: S3Client
  beforeAll(async () => {
    gate = await startS3Authorizer({ target: moto().endpoint, account: ACCOUNT, region: MOTO_REGION })
    client = new S3Client({ endpoint: gate.endpoint, forcePathStyle: true, region: MOTO_REGION, credentials: { accessKeyId: "testing", secretAccessKey: "testing" } })
    await moto().s3Client().send(new CreateBucketCommand({ Bucket: BUCKET }))
    return () => gate.close()
  })

  /** Six MiB in 5 MiB parts: CreateMultipartUpload, two UploadParts, CompleteMultipartUpload. */
  const upload = (key: string) =>
    new Upload({ client, params: { Bucket: BUCKET, Key: key, Body: new Uint8Array(6 * 1024 * 1024) }, partSize: 5 * 1024 * 1024, queueSize: 1 }).done()

  it("judges each step of a multipart upload as s3:PutObject, and with SSE-KMS both key actions", async () => {
    gate.clear()
    gate.actAs(role({ list: false, key: KEY_ARN }))
    await upload("out/big.bin")
    expect(gate.denials()).toEqual([])
    const judged = gate.judged()
    expect(judged.filter((check) => check === `s3:PutObject arn:aws:s3:::${BUCKET}/out/big.bin`)).toHaveLength(4)
    expect(new Set(judged.filter((check) => check.startsWith("kms:")))).toEqual(new Set([`kms:GenerateDataKey ${KEY_ARN}`, `kms:Decrypt ${KEY_ARN}`]))

    gate.clear()
    gate.actAs(role({ list: false }))
    await expect(upload("in/big.bin")).rejects.toThrow(/is not authorized to perform s3:PutObject on arn:aws:s3:::authorizer-test\/in\/big\.bin/)
    expect(gate.denials()).toHaveLength(1)
  }, 60_000)

  it("answers a read of a missing key 403 without s3:ListBucket on the bucket, 404 with it", async () => {
    const read = () => client.send(new GetObjectCommand({ Bucket: BUCKET, Key: "out/none.json" })).then(() => "found", (error: { name: string }) => error.name)
    gate.clear()
    gate.actAs(role({ list: false }))
    expect(await read()).toBe("AccessDenied")
    expect(gate.denials()).toEqual([expect.stringContaining("S3 answers 403, not 404, to a caller not allowed s3:ListBucket")])
    gate.clear()
    gate.actAs(role({ list: true }))
    expect(await read()).toBe("NoSuchKey")
    expect(gate.denials()).toEqual([])
  })

  it("judges a batch delete key by key", async () => {
    gate.clear()
    gate.actAs(role({ list: false }))
    const batch = client.send(new DeleteObjectsCommand({ Bucket: BUCKET, Delete: { Objects: [{ Key: "out/a" }, { Key: "in/b" }] } }))
    await expect(batch).rejects.toThrow()
    expect(gate.judged()).toEqual([`s3:DeleteObject arn:aws:s3:::${BUCKET}/out/a`, `s3:DeleteObject arn:aws:s3:::${BUCKET}/in/b`])
    expect(gate.denials()).toEqual([expect.stringContaining(`s3:DeleteObject on arn:aws:s3:::${BUCKET}/in/b`)])
  })
})
