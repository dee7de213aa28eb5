/**
 * The contact BLS sees in the User-Agent, judged once for every edge: the stack program
 * refuses anything but `ok`; the CLI refuses `invalid` and warns about `placeholder`.
 *
 * - ok: an e-mail address (`name@domain.tld`) or an http(s) URL with a host.
 * - invalid: empty, or neither of those.
 * - placeholder: well formed, but on a domain reserved for examples and documentation —
 *   example.com, example.org, example.net and their subdomains (RFC 2606 §3), or a name
 *   under the reserved top-level domains .example, .invalid, .localhost and .test
 *   (RFC 2606 §2, RFC 6761). Nobody reads mail there, so BLS could not reach the operator.
 *
 * Each verdict carries `problem`, one sentence saying what is wrong with the value; the
 * caller adds what to do in its own words (a flag, a `pulumi config set` line).
 */

const EMAIL = /^[^\s@<>()]+@([^\s@<>()]+\.[^\s@<>()]+)$/
const RESERVED = /(?:^|\.)(?:(example\.(?:com|org|net))|(example|invalid|localhost|test))$/

export type ContactVerdict =
  | { readonly kind: "ok"; readonly contact: string }
  | { readonly kind: "invalid"; readonly contact: string; readonly problem: string }
  | { readonly kind: "placeholder"; readonly contact: string; readonly domain: string; readonly problem: string }

const urlHost = (text: string): string | undefined =>
  /^https?:\/\/\S+$/i.test(text) && URL.canParse(text) ? new URL(text).hostname || undefined : undefined

/** Judges a contact (surrounding spaces ignored; `contact` in the verdict is trimmed). */
export const checkContact = (raw: string): ContactVerdict => {
  const contact = raw.trim()
  if (contact === "") return { kind: "invalid", contact, problem: "no contact is set" }
  const host = EMAIL.exec(contact)?.[1] ?? urlHost(contact)
  if (host === undefined) return { kind: "invalid", contact, problem: `"${contact}" is neither an e-mail address nor an http(s) URL` }
  const reserved = RESERVED.exec(host.toLowerCase().replace(/\.$/, ""))
  if (reserved === null) return { kind: "ok", contact }
  const domain = reserved[1] ?? `.${reserved[2]}`
  return {
    kind: "placeholder",
    contact,
    domain,
    problem: `"${contact}" is on ${domain}, a domain reserved for examples, so nobody there can answer for this pipeline`
  }
}
