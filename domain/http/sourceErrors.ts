/** What can go wrong talking to an upstream source (BLS, DataUSA), as typed values. */
import * as Schema from "effect/Schema"
import { printable } from "../printable.ts"

const SET_URL = "BLS_BASE_URL / POPULATION_URL"

export class ContactRequired extends Schema.TaggedError<ContactRequired>()("ContactRequired", {}) {
  override get message() {
    return "BLS refuses scripts that do not identify themselves. Set QUEST_CONTACT (or --contact) to an e-mail " +
      "address or URL where you can be reached; it is sent in the User-Agent header."
  }
}

export class SourceForbidden extends Schema.TaggedError<SourceForbidden>()("SourceForbidden", { url: Schema.String, userAgent: Schema.String }) {
  override get message() {
    return `${this.url} answered 403 Forbidden to User-Agent "${this.userAgent}". BLS blocks requests whose ` +
      `User-Agent carries no real contact; set QUEST_CONTACT to an address you read and run again.`
  }
}

export class SourceNotFound extends Schema.TaggedError<SourceNotFound>()("SourceNotFound", { url: Schema.String }) {
  override get message() {
    return `${this.url} answered 404 Not Found. Check the configured URL (${SET_URL}).`
  }
}

export class SourceStatusError extends Schema.TaggedError<SourceStatusError>()("SourceStatusError", {
  url: Schema.String,
  status: Schema.Number,
  /** The reason phrase: an unusual status often explains itself there (`--offline`'s refusal does). */
  statusText: Schema.optional(Schema.String)
}) {
  override get message() {
    const reason = this.statusText ? ` (${printable(this.statusText)})` : ""
    return `${this.url} answered HTTP ${this.status}${reason}, which the pipeline does not expect. ` +
      "Check the configured URL; nothing was changed in the store."
  }
}

/** A failure worth retrying (429, 5xx, timeout, dropped connection); once the retries are spent it becomes SourceUnavailable. */
export class TransientSourceFailure extends Schema.TaggedError<TransientSourceFailure>()("TransientSourceFailure", {
  url: Schema.String,
  reason: Schema.String,
  retryAfterMs: Schema.optional(Schema.Number)
}) {
  override get message() {
    return `${this.url}: ${printable(this.reason)}`
  }
}

export class SourceUnavailable extends Schema.TaggedError<SourceUnavailable>()("SourceUnavailable", {
  url: Schema.String,
  attempts: Schema.Number,
  lastReason: Schema.String
}) {
  override get message() {
    // Only an HTTP answer says the server is busy; a refused or reset connection may be the network.
    const cause = /^HTTP (429|5\d\d)/.test(this.lastReason) ? "The source may be overloaded; n" : "N"
    return `${this.url} kept failing after ${this.attempts} attempts (last: ${printable(this.lastReason)}). ` +
      `${cause}othing was changed for it in the store. Run again later.`
  }
}

/** A failure that retrying cannot heal within a run: an unknown host, a refused certificate. */
export class SourceUnreachable extends Schema.TaggedError<SourceUnreachable>()("SourceUnreachable", {
  url: Schema.String,
  what: Schema.String,
  detail: Schema.String,
  code: Schema.optional(Schema.String)
}) {
  override get message() {
    const code = this.code === undefined ? "" : `${this.code}: `
    return `Could not reach ${this.url}: ${this.what} (${code}${printable(this.detail)}). Not retried, since ` +
      `waiting cannot fix it: check the configured URL (${SET_URL}) and the network.`
  }
}

/** A redirect away from the configured origin, or an endless chain of them. */
export class SourceRedirectRefused extends Schema.TaggedError<SourceRedirectRefused>()("SourceRedirectRefused", {
  url: Schema.String,
  location: Schema.String,
  detail: Schema.String
}) {
  override get message() {
    return `${this.url} redirected to ${printable(this.location)}, which ${this.detail}. Nothing was stored from it: ` +
      `only redirects within the configured origin are followed. If the source really moved, set the new URL (${SET_URL}).`
  }
}

export class SourceTooLarge extends Schema.TaggedError<SourceTooLarge>()("SourceTooLarge", { url: Schema.String, limit: Schema.Number }) {
  override get message() {
    return `${this.url} sent more than ${this.limit} bytes, more than the pipeline accepts for this answer ` +
      `(or holds in memory for a body of unknown size). Check the configured URL; nothing was written.`
  }
}

export type SourceError = SourceForbidden | SourceNotFound | SourceStatusError | SourceUnavailable | SourceUnreachable | SourceRedirectRefused
