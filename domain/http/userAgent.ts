/**
 * BLS blocks scripts that do not say who runs them, so every request names the
 * operator: `bls-quest/0.1 (+https://github.com/… ; you@example.com)`.
 */
const EMAIL = /^[^\s@<>()]+@[^\s@<>()]+\.[^\s@<>()]+$/
const URL_LIKE = /^https?:\/\/\S+$/

/** True when `contact` is an e-mail address or an http(s) URL. */
export const isContact = (contact: string): boolean => EMAIL.test(contact.trim()) || URL_LIKE.test(contact.trim())

export const userAgentFor = (contact: string, product = "bls-quest/0.1"): string => `${product} (${contact.trim()})`
