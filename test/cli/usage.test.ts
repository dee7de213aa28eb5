/** `quest --help` and bad usage, as a user meets them. */
import { describe, expect, it } from "vitest"
import { settingSpecs } from "../../domain/settings.ts"
import { commandSpecs, switchSpecs } from "../../cli/commandTable.ts"
import { runQuest } from "./questProcess.ts"

const settings = Object.values(settingSpecs)

describe("quest --help", () => {
  it("lists every command, every switch, and every setting with its env var and default", async () => {
    const { code, stdout } = await runQuest(["--help"])
    expect(code).toBe(0)
    for (const command of commandSpecs) expect(stdout).toContain(`  ${command.name} `)
    for (const flag of Object.values(switchSpecs)) expect(stdout).toContain(flag.flag)
    for (const spec of settings) {
      const line = stdout.split("\n").find((l) => l.trimStart().startsWith(`${spec.flag} `))
      expect(line, spec.flag).toBeDefined()
      expect(line).toContain(spec.env)
      expect(line).toContain(spec.default === undefined ? "no default" : `default ${spec.default}`)
    }
  })

  it("for one command, lists the switches and settings that command takes", async () => {
    const { code, stdout } = await runQuest(["report", "--help"])
    expect(code).toBe(0)
    expect(stdout).toContain(settingSpecs.store.env)
    expect(stdout).not.toContain(settingSpecs.contact.env)
    expect(stdout).not.toContain("--offline")
    const sync = await runQuest(["help", "sync"])
    expect(sync.stdout).toContain("--force")
    expect(sync.stdout).toContain(settingSpecs.blsBaseUrl.env)
    expect(sync.stdout).not.toContain(settingSpecs.populationUrl.env)
  })
})

describe.concurrent("bad usage exits with 2 and says what to do", () => {
  const cases: ReadonlyArray<readonly [string, ReadonlyArray<string>, string]> = [
    ["no command", [], "Which command?"],
    ["an unknown command", ["mirror"], 'There is no command "mirror"'],
    ["a flag before the command", ["--offline", "run"], "Put the command first"],
    ["an unknown flag", ["sync", "--fast"], "Unknown flag --fast"],
    ["a flag the command does not take", ["population", "--force"], "does not take --force"],
    ["a setting the command does not use", ["report", "--contact", "me@example.com"], "does not use --contact"],
    ["a setting without its value", ["sync", "--store"], "--store needs a value"],
    ["an argument", ["sync", "now"], 'takes no argument "now"'],
    ["a setting out of range", ["sync", "--max-delete-share", "2"], "QUEST_MAX_DELETE_SHARE"]
  ]
  it.each(cases)("%s", async (_, args, said) => {
    const { code, stderr, stdout } = await runQuest(args, { QUEST_CONTACT: "me@example.com" })
    expect(code).toBe(2)
    expect(stderr).toContain(said)
    expect(stderr).toMatch(/--help/)
    expect(stdout).toBe("")
  })

  it("--offline with an upstream URL it cannot serve", async () => {
    const { code, stderr } = await runQuest(["sync", "--offline", "--bls-base-url", "https://example.org/pr/"])
    expect(code).toBe(2)
    expect(stderr).toContain("--offline serves the fixtures at the default URLs only")
    expect(stderr).toContain("unset BLS_BASE_URL, or drop --offline")
  })
})
