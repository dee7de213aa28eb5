import { describe, expect, it } from "vitest"
import { checkContact } from "../domain/contact.ts"

describe("checkContact", () => {
  it.each([
    "ops@bls-quest.dev",
    "  data-team@agency.gov  ",
    "first.last+bls@mail.co.uk",
    "https://github.com/acme/bls-quest",
    "http://acme.io/contact",
    // Look-alikes of the reserved names are real domains.
    "me@myexample.com",
    "me@example.community",
    "https://example.co/contact",
    "me@test.dev"
  ])("accepts %j", (contact) => {
    expect(checkContact(contact)).toEqual({ kind: "ok", contact: contact.trim() })
  })

  it.each([
    ["", "no contact is set"],
    ["   ", "no contact is set"],
    ["bls-quest", `"bls-quest" is neither an e-mail address nor an http(s) URL`],
    ["me@localhost", `"me@localhost" is neither an e-mail address nor an http(s) URL`],
    ["@acme.io", `"@acme.io" is neither an e-mail address nor an http(s) URL`],
    ["me at acme.io", `"me at acme.io" is neither an e-mail address nor an http(s) URL`],
    ["ftp://acme.io", `"ftp://acme.io" is neither an e-mail address nor an http(s) URL`],
    ["https://", `"https://" is neither an e-mail address nor an http(s) URL`],
    ["www.acme.io", `"www.acme.io" is neither an e-mail address nor an http(s) URL`]
  ])("refuses %j as invalid", (contact, problem) => {
    expect(checkContact(contact)).toEqual({ kind: "invalid", contact: contact.trim(), problem })
  })

  it.each([
    ["you@example.com", "example.com"],
    ["bls-quest-dev@EXAMPLE.ORG", "example.org"],
    ["ops@mail.example.net", "example.net"],
    ["https://example.com/about", "example.com"],
    ["https://www.Example.org./contact", "example.org"],
    ["me@acme.test", ".test"],
    ["me@acme.invalid", ".invalid"],
    ["me@acme.example", ".example"],
    ["http://dev.localhost:8080/", ".localhost"]
  ])("flags %j as a placeholder on %s", (contact, domain) => {
    const verdict = checkContact(contact)
    expect(verdict).toMatchObject({ kind: "placeholder", contact, domain })
    expect(verdict.kind === "placeholder" && verdict.problem).toBe(
      `"${contact}" is on ${domain}, a domain reserved for examples, so nobody there can answer for this pipeline`
    )
  })
})
