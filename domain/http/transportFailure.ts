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

export const transportFailureKind = (code: string | undefined): TransportFailureKind => {
  switch (code) {
    case "ENOTFOUND":
      return { permanent: true, what: "the host name is not known (DNS)" }
    case "EAI_AGAIN":
      return { permanent: false, what: "the DNS lookup failed for now" }
    case "ECONNREFUSED":
      return { permanent: false, what: "the connection was refused" }
    case "ECONNRESET":
    case "EPIPE":
    case "UND_ERR_SOCKET":
      return { permanent: false, what: "the connection was reset" }
    case "ETIMEDOUT":
    case "UND_ERR_CONNECT_TIMEOUT":
      return { permanent: false, what: "connecting timed out" }
    case "EHOSTUNREACH":
    case "ENETUNREACH":
    case "ENETDOWN":
      return { permanent: false, what: "the network cannot reach the host" }
    default:
      if (code !== undefined && CERTIFICATE.test(code)) {
        return { permanent: true, what: "the server's TLS certificate (or handshake) was refused" }
      }
      return { permanent: false, what: "the request failed" }
  }
}
