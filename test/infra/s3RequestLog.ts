/**
 * A pass-through HTTP proxy in front of moto that writes down every S3 request a function
 * makes, as the IAM action and resource AWS would authorize it against — moto does not
 * enforce IAM, so this is how the tests hold the functions' policies to what their code
 * really does.
 */
import { createServer, request as httpRequest } from "node:http"
import type { AddressInfo } from "node:net"

export interface AuthorizedRequest {
  /** `GET /bucket/key?…`, for messages. */
  readonly request: string
  readonly action: string
  readonly resource: string
}

export interface S3RequestLog {
  /** `http://127.0.0.1:PORT`: use as AWS_ENDPOINT_URL. */
  readonly endpoint: string
  /** The requests since the last `clear`. */
  readonly requests: () => ReadonlyArray<AuthorizedRequest>
  readonly clear: () => void
  readonly close: () => Promise<void>
}

/** What IAM checks for a path-style S3 request (the subset the store adapter sends). */
export const authorizationOf = (
  method: string,
  url: URL,
  headers: Record<string, string | Array<string> | undefined>
): ReadonlyArray<AuthorizedRequest> => {
  const request = `${method} ${url.pathname}${url.search}`
  const [, bucket = "", ...keyParts] = url.pathname.split("/")
  const key = keyParts.map(decodeURIComponent).join("/")
  const bucketArn = `arn:aws:s3:::${bucket}`
  const object = (action: string, objectKey = key) => ({ request, action, resource: `${bucketArn}/${objectKey}` })
  if (key === "") {
    if (method === "GET" && !url.searchParams.has("versions") && !url.searchParams.has("uploads")) {
      return [{ request, action: "s3:ListBucket", resource: bucketArn }]
    }
    if (method === "GET" && url.searchParams.has("uploads")) {
      return [{ request, action: "s3:ListBucketMultipartUploads", resource: bucketArn }]
    }
  } else if (method === "GET" || method === "HEAD") {
    if (url.search === "" || url.searchParams.has("x-id")) return [object("s3:GetObject")]
  } else if (method === "PUT" && url.search.replace(/[?&]x-id=[^&]*/, "") === "") {
    const source = headers["x-amz-copy-source"]
    if (typeof source !== "string") return [object("s3:PutObject")]
    const [, ...sourceKey] = decodeURIComponent(source.replace(/^\//, "")).split("/")
    return [object("s3:GetObject", sourceKey.join("/")), object("s3:PutObject")]
  } else if (method === "DELETE" && url.searchParams.has("uploadId")) {
    return [object("s3:AbortMultipartUpload")]
  } else if (method === "DELETE" && (url.search === "" || url.searchParams.has("x-id"))) {
    return [object("s3:DeleteObject")]
  }
  throw new Error(`${request}: a request this log cannot map to an IAM action; teach authorizationOf about it`)
}

export const startS3RequestLog = async (target: string): Promise<S3RequestLog> => {
  let log: Array<AuthorizedRequest> = []
  const upstream = new URL(target)
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", upstream)
    try {
      log.push(...authorizationOf(req.method ?? "GET", url, req.headers))
    } catch (error) {
      log.push({ request: `${req.method} ${url.pathname}${url.search}`, action: String(error), resource: "" })
    }
    const forward = httpRequest(url, { method: req.method, headers: req.headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers)
      answer.pipe(res)
    })
    forward.on("error", () => res.destroy())
    req.pipe(forward)
  })
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))
  return {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests: () => log,
    clear: () => void (log = []),
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve())
        server.closeAllConnections()
      })
  }
}

interface Statement {
  readonly Effect: string
  readonly Action: string | ReadonlyArray<string>
  readonly Resource: string | ReadonlyArray<string>
}

const list = (value: string | ReadonlyArray<string>) => (typeof value === "string" ? [value] : value)

/** IAM's wildcard match: `*` any run of characters, `?` one character. */
const matches = (pattern: string, value: string) =>
  new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*").replace(/\?/g, ".")}$`).test(value)

/** Whether an identity policy (Allow statements, no conditions) allows `action` on `resource`. */
export const allows = (policy: { readonly Statement: ReadonlyArray<Statement> }, { action, resource }: AuthorizedRequest) =>
  policy.Statement.some((statement) =>
    statement.Effect === "Allow" &&
    list(statement.Action).some((pattern) => matches(pattern, action)) &&
    list(statement.Resource).some((pattern) => matches(pattern, resource))
  )
