/**
 * An HTTP proxy in front of moto that answers each S3 request as AWS would for the caller
 * it is told of: moto enforces no IAM, so every request is first judged by the policy
 * engine against the caller's identity policies and the bucket policy the stack declares
 * (and, with SSE-KMS, the KMS calls S3 makes on the caller's behalf). A denied request gets
 * S3's 403 AccessDenied and never reaches moto; a read of a missing key by a caller not
 * allowed s3:ListBucket on the bucket gets 403, not moto's 404 (the rule the GetObject and
 * HeadObject API references document). Every denial is written down for the test to name.
 *
 * Each operation's IAM actions are those AWS's Service Authorization Reference maps it to
 * (the "API operations defined by Amazon S3" table): HeadObject and GetObject need
 * s3:GetObject (GetObjectVersion with a versionId); ListObjectsV2 s3:ListBucket with
 * `s3:prefix`; CopyObject s3:GetObject on the source and s3:PutObject on the target;
 * CreateMultipartUpload, UploadPart, CompleteMultipartUpload s3:PutObject;
 * AbortMultipartUpload its own; DeleteObjects s3:DeleteObject on each key. With SSE-KMS,
 * writing needs kms:GenerateDataKey, reading kms:Decrypt, a multipart upload both (S3 user
 * guide, "Multipart upload API and permissions").
 */
import { createServer, type IncomingMessage, request as httpRequest, type ServerResponse } from "node:http"
import type { AddressInfo } from "node:net"
import { judge } from "../support/policyEngine.ts"

/** A function about to run, as its stack declares it. */
export interface Caller {
  /** Its role's ARN. */
  readonly principal: string
  /** The role's identity policies, by name. */
  readonly identity: Readonly<Record<string, unknown>>
  /** The bucket's policy. */
  readonly bucketPolicy: unknown
  /** The bucket's default SSE-KMS key, when it has one. */
  readonly kmsKeyArn: string | undefined
}

export interface S3AuthorizerOptions {
  /** moto's endpoint. */
  readonly target: string
  readonly account: string
  readonly region: string
}

export interface S3Authorizer {
  /** `http://127.0.0.1:PORT`: the functions' AWS_ENDPOINT_URL. */
  readonly endpoint: string
  /** Whose requests come next (the function about to run). */
  readonly actAs: (caller: Caller) => void
  /** What AWS would have refused since the last `clear`: action, resource, caller and why. */
  readonly denials: () => ReadonlyArray<string>
  /** Every action judged since the last `clear`, `s3:GetObject arn:aws:s3:::b/k`. */
  readonly judged: () => ReadonlyArray<string>
  readonly clear: () => void
  readonly close: () => Promise<void>
}

interface Check {
  readonly action: string
  readonly resource: string
  readonly context?: Readonly<Record<string, string>>
}

/** The query parameters of ListObjects(V2), a bucket's one listing that needs s3:ListBucket. */
const LIST_PARAMETERS = new Set(["list-type", "prefix", "delimiter", "max-keys", "marker", "continuation-token", "start-after", "encoding-type", "fetch-owner"])

/** The IAM checks of a path-style S3 request (the operations the store adapters send). */
const checksOf = (method: string, url: URL, headers: IncomingMessage["headers"], body: string): ReadonlyArray<Check> => {
  const [, bucket = "", ...keyParts] = url.pathname.split("/")
  const key = keyParts.map(decodeURIComponent).join("/")
  const bucketArn = `arn:aws:s3:::${bucket}`
  const object = (action: string, objectKey = key) => ({ action, resource: `${bucketArn}/${objectKey}` })
  const query = new Set([...url.searchParams.keys()].filter((name) => name !== "x-id"))
  const only = (...names: Array<string>) => query.size === names.length && names.every((name) => query.has(name))
  if (key === "") {
    if (method === "GET" && [...query].every((name) => LIST_PARAMETERS.has(name))) {
      const prefix = url.searchParams.get("prefix")
      return [{ action: "s3:ListBucket", resource: bucketArn, ...(prefix === null ? {} : { context: { "s3:prefix": prefix } }) }]
    }
    if (method === "GET" && query.has("versions")) return [{ action: "s3:ListBucketVersions", resource: bucketArn }]
    if (method === "GET" && query.has("uploads")) return [{ action: "s3:ListBucketMultipartUploads", resource: bucketArn }]
    if (method === "POST" && only("delete")) {
      return [...body.matchAll(/<Key>([^<]*)<\/Key>/g)].map((match) => object("s3:DeleteObject", xmlText(match[1]!)))
    }
  } else if ((method === "GET" || method === "HEAD") && (only() || only("partNumber"))) {
    return [object("s3:GetObject")]
  } else if ((method === "GET" || method === "HEAD") && query.has("versionId")) {
    return [object("s3:GetObjectVersion")]
  } else if (method === "PUT" && (only() || only("partNumber", "uploadId"))) {
    const source = headers["x-amz-copy-source"]
    if (typeof source !== "string") return [object("s3:PutObject")]
    const [, ...sourceKey] = decodeURIComponent(source.replace(/^\//, "").replace(/\?.*$/, "")).split("/")
    return [object("s3:GetObject", sourceKey.join("/")), object("s3:PutObject")]
  } else if (method === "POST" && (only("uploads") || only("uploadId"))) {
    return [object("s3:PutObject")]
  } else if (method === "DELETE" && only("uploadId")) {
    return [object("s3:AbortMultipartUpload")]
  } else if (method === "DELETE" && only()) {
    return [object("s3:DeleteObject")]
  }
  throw new Error(`${method} ${url.pathname}${url.search}: no IAM action known for it; add its operation to checksOf`)
}

const xmlText = (text: string) =>
  text.replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&quot;/g, "\"").replace(/&apos;/g, "'").replace(/&amp;/g, "&")

/** What S3 asks KMS for, on the caller's behalf, to carry out these checks on an SSE-KMS bucket. */
const kmsActionsOf = (method: string, url: URL, checks: ReadonlyArray<Check>) => {
  const multipart = url.searchParams.has("uploads") || url.searchParams.has("uploadId")
  const reads = checks.some((check) => check.action === "s3:GetObject" || check.action === "s3:GetObjectVersion") && method !== "HEAD"
  const writes = checks.some((check) => check.action === "s3:PutObject")
  return [
    ...(writes ? ["kms:GenerateDataKey"] : []),
    ...(reads || (writes && multipart) ? ["kms:Decrypt"] : [])
  ]
}

const accessDenied = (res: ServerResponse, method: string, message: string) => {
  res.writeHead(403, { "content-type": "application/xml" })
  res.end(method === "HEAD" ? undefined : `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>AccessDenied</Code><Message>${message.replace(/&/g, "&amp;").replace(/</g, "&lt;")}</Message></Error>`)
}

const bodyOf = (req: IncomingMessage) =>
  new Promise<Buffer>((resolve, reject) => {
    const chunks: Array<Buffer> = []
    req.on("data", (chunk: Buffer) => chunks.push(chunk))
    req.on("end", () => resolve(Buffer.concat(chunks)))
    req.on("error", reject)
  })

export const startS3Authorizer = async (options: S3AuthorizerOptions): Promise<S3Authorizer> => {
  let caller: Caller | undefined
  let denials: Array<string> = []
  let judged: Array<string> = []
  const upstream = new URL(options.target)
  // The functions reach this proxy over plain HTTP, the test's endpoint override. In Lambda
  // the stack sets no override (the test asserts it), so the SDK calls S3 at its https
  // endpoint: the engine is told what AWS would see, aws:SecureTransport true.
  const transport = { "aws:SecureTransport": "true" }
  // The caller's own key policy is not the stack's: the key is told to trust IAM, as a new key's default policy does.
  const keyPolicy = {
    Version: "2012-10-17",
    Statement: [{ Effect: "Allow", Principal: { AWS: `arn:aws:iam::${options.account}:root` }, Action: "kms:*", Resource: "*" }]
  }

  const decide = async (who: Caller, check: Check) => {
    judged.push(`${check.action} ${check.resource}`)
    const kms = check.action.startsWith("kms:")
    return judge(
      {
        principal: who.principal,
        action: check.action,
        resource: check.resource,
        account: options.account,
        context: { ...transport, ...check.context, ...(kms ? { "kms:ViaService": `s3.${options.region}.amazonaws.com` } : {}) }
      },
      { identity: who.identity, resource: kms ? keyPolicy : who.bucketPolicy }
    )
  }

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const method = req.method ?? "GET"
    const url = new URL(req.url ?? "/", upstream)
    const body = method === "POST" && url.searchParams.has("delete") ? await bodyOf(req) : undefined
    const who = caller
    if (who !== undefined) {
      let checks: ReadonlyArray<Check>
      try {
        checks = checksOf(method, url, req.headers, body?.toString("utf8") ?? "")
      } catch (error) {
        denials.push(String(error))
        return accessDenied(res, method, String(error))
      }
      const key = who.kmsKeyArn
      const kms = key === undefined ? [] : kmsActionsOf(method, url, checks).map((action) => ({ action, resource: key }))
      for (const check of [...checks, ...kms]) {
        const verdict = await decide(who, check)
        if (!verdict.allowed) {
          const message = `${who.principal} is not authorized to perform ${check.action} on ${check.resource} (${method} ${url.pathname}${url.search}): ${verdict.because}`
          denials.push(message)
          return accessDenied(res, method, message)
        }
      }
    }
    const forward = httpRequest(url, { method, headers: req.headers }, (answer) => {
      const pass = () => {
        res.writeHead(answer.statusCode ?? 502, answer.headers)
        answer.pipe(res)
      }
      const missing = answer.statusCode === 404 && (method === "GET" || method === "HEAD") && url.pathname.split("/").length > 2
      if (who === undefined || !missing) return pass()
      const bucketArn = `arn:aws:s3:::${url.pathname.split("/")[1]}`
      void decide(who, { action: "s3:ListBucket", resource: bucketArn }).then((verdict) => {
        if (verdict.allowed) return pass()
        answer.resume()
        const message = `${who.principal} read the missing ${bucketArn}${decodeURIComponent(url.pathname.slice(url.pathname.indexOf("/", 1)))}: ` +
          `S3 answers 403, not 404, to a caller not allowed s3:ListBucket on ${bucketArn} (${verdict.because})`
        denials.push(message)
        accessDenied(res, method, message)
      }, (error: unknown) => res.destroy(error as Error))
    })
    forward.on("error", () => res.destroy())
    if (body === undefined) req.pipe(forward)
    else forward.end(body)
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      denials.push(`the authorizer failed on ${req.method} ${req.url}: ${String(error)}`)
      res.destroy()
    })
  })
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))
  return {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    actAs: (next) => void (caller = next),
    denials: () => denials,
    judged: () => judged,
    clear: () => {
      denials = []
      judged = []
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve())
        server.closeAllConnections()
      })
  }
}
