/**
 * What a failed connection means, from the system error code at its root: whether
 * another attempt can succeed, and the words a user needs. An unknown host or a refused
 * certificate does not heal in seconds, so retrying it only hides the cause.
 */
export interface TransportFailureKind {
  /** True when retrying within a run cannot help. */
  readonly permanent: boolean
  /** What happened, in plain words. */
  readonly what: string
}

const CERTIFICATE = /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|UNABLE_TO_GET_ISSUER|ERR_TLS_|ERR_SSL_|EPROTO/

const transient = (what: string): TransportFailureKind => ({ permanent: false, what })
const KINDS = new Map<string | undefined, TransportFailureKind>([
  ["ENOTFOUND", { permanent: true, what: "the host name is not known (DNS)" }],
  ["EAI_AGAIN", transient("the DNS lookup failed for now")],
  ["ECONNREFUSED", transient("the connection was refused")],
  ["ECONNRESET", transient("the connection was reset")],
  ["EPIPE", transient("the connection was reset")],
  ["UND_ERR_SOCKET", transient("the connection was reset")],
  ["ETIMEDOUT", transient("connecting timed out")],
  ["UND_ERR_CONNECT_TIMEOUT", transient("connecting timed out")],
  ["EHOSTUNREACH", transient("the network cannot reach the host")],
  ["ENETUNREACH", transient("the network cannot reach the host")],
  ["ENETDOWN", transient("the network cannot reach the host")]
])

export const transportFailureKind = (code: string | undefined): TransportFailureKind =>
  KINDS.get(code) ??
    (code !== undefined && CERTIFICATE.test(code)
      ? { permanent: true, what: "the server's TLS certificate (or handshake) was refused" }
      : transient("the request failed"))
