/**
 * BLS blocks scripts that do not say who runs them, so every request names the
 * operator: `bls-quest/0.1 (+https://github.com/… ; you@example.com)`.
 */
import { checkContact } from "../contact.ts"

/** True when `contact` is an e-mail address or an http(s) URL (a placeholder still is one). */
export const isContact = (contact: string): boolean => checkContact(contact).kind !== "invalid"

export const userAgentFor = (contact: string, product = "bls-quest/0.1"): string => `${product} (${contact.trim()})`
