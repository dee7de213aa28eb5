/**
 * What a person at a terminal reads (the CLI in-process, with a terminal that says it is
 * one): readable lines, not JSON — and the same command off a terminal gives records.
 */
import { describe, expect, it } from "vitest"
import { runQuest } from "../../cli/main.ts"
import type { Terminal } from "../../cli/terminal.ts"

const capture = (interactive: boolean) => {
  const out: Array<string> = []
  const err: Array<string> = []
  const terminal: Terminal = {
    interactive,
    out: (text) => void out.push(text),
    err: (text) => void err.push(text),
    status: () => {}
  }
  return { terminal, out: () => out.join(""), err: () => err.join("") }
}

describe("on a terminal", () => {
  it("a usage mistake is two lines for a person: what is wrong, and where to look", async () => {
    const screen = capture(true)
    expect(await runQuest(["syn"], screen.terminal)).toBe(2)
    expect(screen.err()).toBe("quest: There is no command \"syn\". Did you mean `sync`?\nSee `quest --help` for the commands, flags and settings.\n")
    expect(screen.out()).toBe("")
  })

  it("--json keeps stderr machine-readable even there", async () => {
    const screen = capture(true)
    expect(await runQuest(["sync", "--json", "--fast"], screen.terminal)).toBe(2)
    expect(JSON.parse(screen.err())).toMatchObject({ level: "ERROR", event: "usage", message: "Unknown flag --fast." })
  })
})

describe("off a terminal", () => {
  it("the same mistake is one flat record", async () => {
    const screen = capture(false)
    expect(await runQuest(["syn"], screen.terminal)).toBe(2)
    const lines = screen.err().trimEnd().split("\n")
    expect(lines).toHaveLength(1)
    expect(Object.keys(JSON.parse(lines[0]!)).slice(0, 4)).toEqual(["time", "level", "event", "message"])
  })
})
