/**
 * The object store on S3 (AWS SDK v3), optionally under a key prefix. The client follows
 * the standard AWS environment (AWS_REGION, the credential chain, AWS_ENDPOINT_URL[_S3] for
 * moto or MinIO, which gets path-style addressing). A PutObject or a multipart upload is
 * atomic: one that fails leaves the previous object. A streamed body of known length up to
 * 200 MiB goes up as one streamed PutObject, as rclone sends it; a larger one, or one of
 * unknown length, in 5 MiB parts, aborted on any failure. An upload a killed process never
 * finished is left to the bucket's lifecycle rule (a sweep would list every upload).
 */
import type { CompletedPart, GetObjectCommandOutput, HeadObjectCommandOutput, S3ClientConfig } from "@aws-sdk/client-s3"
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  UploadPartCommand
} from "@aws-sdk/client-s3"
import { Readable } from "node:stream"
import type { ReadableStream as NodeReadableStream } from "node:stream/web"
import * as Layer from "effect/Layer"
import * as Semaphore from "effect/Semaphore"
import type { Body, ListedObject, ObjectStoreShape, PutOptions, PutResult, StoredObject } from "../domain/store/ObjectStore.ts"
import { enforceMetadataRules } from "../domain/store/metadataRules.ts"
import { ObjectStore } from "../domain/store/ObjectStore.ts"
import { lengthChecked } from "../domain/store/lengthChecked.ts"
import { StoreFailure, storeTask } from "../domain/store/storeTask.ts"

export interface S3StoreOptions {
  readonly bucket: string
  /** Keys are stored under it: `mirror` stores `bls/pr/x` as `mirror/bls/pr/x`. */
  readonly prefix?: string | undefined
  readonly client?: S3Client | undefined
  /** How many streamed uploads may run at once (at most 4), each with one 5 MiB part in flight. */
  readonly concurrency?: number | undefined
  /** A streamed body of known length up to this goes up in one request (rclone's upload cutoff, 200 MiB); past it, or of unknown length, in parts each retried on its own. */
  readonly multipartAboveBytes?: number | undefined
}

/** S3's smallest part (but the last), as rclone sends them. */
const PART_BYTES = 5 * 1024 * 1024

/** No S3 request waits without bound: one never answered fails after 3 attempts of 30 s. (`requestTimeout` only warns unless told to throw.) */
export const S3_TIMEOUTS = {
  connectionTimeout: 5_000,
  socketTimeout: 30_000,
  requestTimeout: 300_000,
  throwOnRequestTimeout: true
} as const

export const s3ClientFromEnv = (config: S3ClientConfig = {}): S3Client => {
  const env = globalThis.process?.env ?? {}
  const endpointOverride = env["AWS_ENDPOINT_URL_S3"] || env["AWS_ENDPOINT_URL"]
  const client = new S3Client({
    ...(endpointOverride ? { forcePathStyle: true } : {}),
    requestHandler: S3_TIMEOUTS,
    maxAttempts: 3,
    // Checksums where this adapter asks for them (parts and bodies in memory), not as a streamed body's trailer.
    requestChecksumCalculation: "WHEN_REQUIRED",
    // Without a logger the SDK writes to the console (a failed streamed put warns there), which breaks the JSON log;
    // every failure reaches the caller as a StoreError instead.
    logger: { trace: () => {}, debug: () => {}, info: () => {}, warn: () => {}, error: () => {} },
    ...config
  })
  // A body's CRC32 already guards its bytes: signing them as well would hash every part a second time.
  client.middlewareStack.add((next) => (args) => {
    const { headers } = args.request as { readonly headers: Record<string, string> }
    if (headers["x-amz-checksum-crc32"] !== undefined) headers["x-amz-content-sha256"] = "UNSIGNED-PAYLOAD"
    return next(args)
  }, { step: "build", priority: "low" })
  return client
}

type AwsError = { name?: string; message?: string; code?: string; $metadata?: { httpStatusCode?: number } }
const awsError = (cause: unknown): AwsError => (typeof cause === "object" && cause !== null ? cause : {})

/** S3's answers that another attempt may not meet, and connections that dropped. */
const isTransient = (cause: unknown) => {
  const { name, code, $metadata } = awsError(cause)
  const status = $metadata?.httpStatusCode ?? 0
  return (status >= 500 && status !== 501) || name === "SlowDown" || name === "RequestTimeout" || name === "TimeoutError" ||
    code === "ECONNRESET" || code === "EPIPE" || code === "ETIMEDOUT"
}

const isNotFound = (cause: unknown) => {
  const { name, $metadata } = awsError(cause)
  return name === "NoSuchKey" || name === "NotFound" || ($metadata?.httpStatusCode === 404 && name !== "NoSuchBucket")
}

/** The IAM action each operation needs, for the access-denied hint. */
const actionOf: Readonly<Record<string, string>> = {
  list: "s3:ListBucket",
  head: "s3:GetObject (and s3:ListBucket, without which S3 answers 403 for a missing key)",
  get: "s3:GetObject",
  put: "s3:PutObject",
  copy: "s3:GetObject on the source and s3:PutObject on the target",
  delete: "s3:DeleteObject"
}

const detailOf = (cause: unknown, operation: string, bucket: string, target: string): string => {
  const { name = "Error", message = String(cause), code, $metadata } = awsError(cause)
  const status = $metadata?.httpStatusCode
  const said = `${name}${status === undefined ? "" : ` (HTTP ${status})`}: ${message}`
  if (name === "AccessDenied" || name === "Forbidden" || status === 403) {
    return `access to ${target} was denied (${said}); check which credentials are in use ` +
      `(AWS_PROFILE, AWS_ACCESS_KEY_ID, the attached role) and that their IAM and bucket policies allow ${actionOf[operation] ?? operation}`
  }
  if (name === "NoSuchBucket") return `the bucket "${bucket}" does not exist, or is not visible to this account (${said})`
  if (name === "InvalidAccessKeyId" || name === "SignatureDoesNotMatch" || name === "ExpiredToken") {
    return `S3 rejected the credentials (${said}); refresh them or check AWS_PROFILE / AWS_ACCESS_KEY_ID`
  }
  if (name === "CredentialsProviderError") {
    return `no AWS credentials were found (${message}); set AWS_PROFILE or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY`
  }
  if (name === "PermanentRedirect" || name === "AuthorizationHeaderMalformed" || /region/i.test(message) && status === undefined) {
    return `the region looks wrong (${said}); set AWS_REGION to the bucket's region`
  }
  if (code === "ECONNREFUSED" || code === "ENOTFOUND" || code === "ECONNRESET" || name === "TimeoutError") {
    return `the S3 endpoint could not be reached (${said}); check AWS_ENDPOINT_URL and the network`
  }
  return said
}

/** What HeadObject and GetObject both answer about an object. */
const storedObject = (key: string, found: HeadObjectCommandOutput | GetObjectCommandOutput): StoredObject => ({
  key,
  size: found.ContentLength ?? 0,
  etag: found.ETag ?? "",
  contentType: found.ContentType,
  metadata: { ...found.Metadata },
  lastModified: found.LastModified
})

export const makeS3Store = (options: S3StoreOptions): ObjectStoreShape => {
  const { bucket } = options
  const client = options.client ?? s3ClientFromEnv()
  const prefix = (options.prefix ?? "").replace(/^\/+|\/+$/g, "")
  const keyPrefix = prefix === "" ? "" : `${prefix}/`
  const location = prefix === "" ? `s3://${bucket}` : `s3://${bucket}/${prefix}`
  const s3Key = (key: string) => keyPrefix + key
  const uploads = Semaphore.makeUnsafe(Math.min(options.concurrency ?? 4, 4))
  const multipartAbove = options.multipartAboveBytes ?? 200 * 1024 * 1024

  const run = <A>(operation: string, key: string, target: string, task: (signal: AbortSignal) => Promise<A>) =>
    storeTask({ location, operation, key, detailOf: (cause) => detailOf(cause, operation, bucket, target), transientOf: isTransient }, task)

  const objectUrl = (key: string) => `s3://${bucket}/${s3Key(key)}`

  const whenFound = <A>(request: Promise<A>): Promise<A | undefined> =>
    request.catch((cause: unknown) => isNotFound(cause) ? undefined : Promise.reject(cause))

  const head = async (key: string, abortSignal: AbortSignal): Promise<StoredObject | undefined> => {
    const found = await whenFound(client.send(new HeadObjectCommand({ Bucket: bucket, Key: s3Key(key) }), { abortSignal }))
    return found && storedObject(key, found)
  }

  const list = async (listPrefix: string, abortSignal: AbortSignal) => {
    const found: Array<ListedObject> = []
    let ContinuationToken: string | undefined
    do {
      const page = await client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: s3Key(listPrefix), ContinuationToken }), { abortSignal })
      for (const { ETag, Key, Size } of page.Contents ?? []) {
        if (Key !== undefined) found.push({ key: Key.slice(keyPrefix.length), size: Size ?? 0, etag: ETag ?? "" })
      }
      ContinuationToken = page.IsTruncated ? page.NextContinuationToken : undefined
    } while (ContinuationToken !== undefined)
    // S3 sorts by UTF-8 bytes; the other stores by UTF-16 units. Sort the same way everywhere.
    return found.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
  }

  const get = async (key: string, abortSignal: AbortSignal) => {
    const found = await whenFound(client.send(new GetObjectCommand({ Bucket: bucket, Key: s3Key(key) }), { abortSignal }))
    if (found === undefined || found.Body === undefined) return undefined
    return { object: storedObject(key, found), body: found.Body.transformToWebStream() as ReadableStream<Uint8Array> }
  }

  /**
   * Parts are copied into one reused buffer, so a body's chunks die young: lib-storage's
   * Upload keeps each chunk until its part is full and concatenates every part into a new
   * buffer, which took a 4-file sync into moto past 256 MB.
   */
  const put = async (key: string, body: Body, { contentLength, ...options }: PutOptions, abortSignal: AbortSignal): Promise<PutResult> => {
    const common = { Bucket: bucket, Key: s3Key(key), ContentType: options.contentType, Metadata: { ...options.metadata } }
    const putObject = async (bytes: Uint8Array) => {
      const sent = new PutObjectCommand({ ...common, Body: bytes, ContentLength: bytes.byteLength, ChecksumAlgorithm: "CRC32" })
      return { etag: (await client.send(sent, { abortSignal })).ETag ?? "" }
    }
    /**
     * One request and no part buffer, but no checksum either: S3 checks the length, and only
     * TLS the bytes in flight (nothing does over plain http, as to moto or a local MinIO).
     * The SDK's CRC32 would ride in an aws-chunked trailer, which moto decodes in quadratic
     * time and whose stream throws uncaught when the body fails. The SDK cannot retry it
     * (the body is spent): a transient failure says so, and the transfer fetches the file
     * again. A body that errors aborts the request before its last byte is sent (tapStream
     * holds it back), so nothing is stored. The request lasts as long as the download behind
     * it, which the source's own deadline bounds: no request timeout of its own (the socket's
     * idle timeout still applies).
     */
    const putStream = async (stream: ReadableStream<Uint8Array>, length: number) => {
      const aborted = new AbortController()
      let bodyError: unknown
      const Body = Readable.fromWeb(stream as NodeReadableStream<Uint8Array>).on("error", (error) => aborted.abort(bodyError = error))
      try {
        const sent = new PutObjectCommand({ ...common, Body, ContentLength: length })
        const signal = AbortSignal.any([abortSignal, aborted.signal])
        return { etag: (await client.send(sent, { abortSignal: signal, requestTimeout: 0 })).ETag ?? "" }
      } catch (cause) {
        Body.destroy()
        throw bodyError ?? cause
      }
    }
    if (!(body instanceof ReadableStream)) {
      const bytes = typeof body === "string" ? new TextEncoder().encode(body) : body
      if (contentLength !== undefined && bytes.byteLength !== contentLength) {
        throw new StoreFailure(`the body has ${bytes.byteLength} bytes but contentLength says ${contentLength}`)
      }
      return putObject(bytes)
    }
    const checked = contentLength === undefined ? body : lengthChecked(body, contentLength)
    if (contentLength !== undefined && contentLength <= multipartAbove) return putStream(checked, contentLength)
    const reader = checked.getReader()
    abortSignal.addEventListener("abort", () => void reader.cancel(abortSignal.reason).catch(() => undefined), { once: true })
    // Larger parts past 50 GB, to stay within S3's 10,000.
    const buffer = new Uint8Array(Math.max(PART_BYTES, Math.ceil((contentLength ?? 0) / 10_000)))
    let rest: Uint8Array | undefined
    /** The next part: shorter than the buffer only at the body's end. */
    const fill = async () => {
      let filled = 0
      while (filled < buffer.byteLength) {
        const chunk = rest ?? (await reader.read()).value
        if (chunk === undefined) break
        const taken = Math.min(chunk.byteLength, buffer.byteLength - filled)
        buffer.set(chunk.subarray(0, taken), filled)
        rest = taken === chunk.byteLength ? undefined : chunk.subarray(taken)
        filled += taken
      }
      return buffer.subarray(0, filled)
    }
    let upload: { readonly Bucket: string; readonly Key: string; readonly UploadId: string | undefined } | undefined
    try {
      let part = await fill()
      if (part.byteLength < buffer.byteLength) return await putObject(part)
      const { UploadId } = await client.send(new CreateMultipartUploadCommand({ ...common, ChecksumAlgorithm: "CRC32" }), { abortSignal })
      upload = { Bucket: bucket, Key: common.Key, UploadId }
      const parts: Array<CompletedPart> = []
      for (let PartNumber = 1; part.byteLength > 0; PartNumber += 1, part = await fill()) {
        const sent = new UploadPartCommand({ ...upload, PartNumber, Body: part, ContentLength: part.byteLength, ChecksumAlgorithm: "CRC32" })
        const { ETag, ChecksumCRC32 } = await client.send(sent, { abortSignal })
        parts.push({ PartNumber, ETag, ChecksumCRC32 })
      }
      const done = await client.send(new CompleteMultipartUploadCommand({ ...upload, MultipartUpload: { Parts: parts } }), { abortSignal })
      return { etag: done.ETag ?? "" }
    } catch (cause) {
      // A failed upload cancels the body (the download behind it) and is aborted: the previous object stays, no part is billed.
      await reader.cancel(cause).catch(() => undefined)
      if (upload !== undefined) await client.send(new AbortMultipartUploadCommand(upload)).catch(() => undefined)
      throw cause
    }
  }

  const copy = async (from: string, to: string, options: PutOptions, abortSignal: AbortSignal) => {
    const missing = (cause?: unknown) => new StoreFailure(`there is no object "${from}" to copy`, { cause })
    // REPLACE drops the content type unless given again: keep the source's.
    const source = options.contentType === undefined ? await head(from, abortSignal) : undefined
    if (options.contentType === undefined && source === undefined) throw missing()
    const command = new CopyObjectCommand({
      Bucket: bucket,
      Key: s3Key(to),
      CopySource: `${bucket}/${s3Key(from)}`.split("/").map(encodeURIComponent).join("/"),
      MetadataDirective: "REPLACE",
      ContentType: options.contentType ?? source?.contentType,
      Metadata: { ...options.metadata }
    })
    await client.send(command, { abortSignal }).catch((cause: unknown) => Promise.reject(isNotFound(cause) ? missing(cause) : cause))
  }

  return enforceMetadataRules({
    location,
    list: (listPrefix) => run("list", listPrefix, `${location}/${listPrefix}`, (signal) => list(listPrefix, signal)),
    head: (key) => run("head", key, objectUrl(key), (signal) => head(key, signal)),
    get: (key) => run("get", key, objectUrl(key), (signal) => get(key, signal)),
    put: (key, body, options = {}) => {
      const putting = run("put", key, objectUrl(key), (signal) => put(key, body, options, signal))
      return body instanceof ReadableStream ? uploads.withPermit(putting) : putting
    },
    copy: (from, to, options) =>
      run("copy", `${from} → ${to}`, `${objectUrl(from)} → ${objectUrl(to)}`, (signal) => copy(from, to, options, signal)),
    delete: (key) =>
      run("delete", key, objectUrl(key), async (abortSignal) => {
        await client.send(new DeleteObjectCommand({ Bucket: bucket, Key: s3Key(key) }), { abortSignal })
      })
  })
}

export const s3StoreLayer = (options: S3StoreOptions): Layer.Layer<ObjectStore> =>
  Layer.sync(ObjectStore, () => makeS3Store(options))
