/** `quest --help` and bad usage, as a user meets them. */
import { describe, expect, it } from "vitest"
import { settingSpecs } from "../../domain/settings.ts"
import { commandSpecs } from "../../cli/commandTable.ts"
import { readFileSync } from "node:fs"
import { join } from "node:path"
import { QUEST_VERSION } from "../../cli/main.ts"
import { logRecords, projectRoot, runQuest } from "./questProcess.ts"

describe("quest --help", () => {
  it("lists every command, and each command's help every setting it reads with its env var and default", async () => {
    const { code, stdout } = await runQuest(["--help"])
    expect(code).toBe(0)
    for (const command of commandSpecs) expect(stdout).toContain(`  ${command.name} `)
    expect(stdout).toContain("quest run --offline")
    expect(stdout).toContain("(`quest <command> --help` for its flags and settings)")
    expect(stdout).toMatch(/\n\nEXAMPLES\n/)
    const helps = await Promise.all(commandSpecs.map(({ name }) => runQuest([name, "--help"])))
    const seen = new Set<string>()
    commandSpecs.forEach((command, i) => {
      expect(helps[i]!.code).toBe(0)
      for (const key of command.settings) {
        const spec = settingSpecs[key]
        const line = helps[i]!.stdout.split("\n").find((l) => l.trimStart().startsWith(`${spec.flag} `))
        expect(line, `${command.name} ${spec.flag}`).toBeDefined()
        expect(line).toContain(spec.env)
        expect(line).toContain(spec.default === undefined ? "no default" : `default ${spec.default}`)
        seen.add(key)
      }
    })
    expect([...seen].sort()).toEqual(Object.keys(settingSpecs).sort())
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
    const sql = await runQuest(["sql", "--help"])
    expect(sql.stdout).toContain(`quest sql [flags] [<query>]`)
    expect(sql.stdout).toContain("--reports")
    expect(sql.stdout).toContain(settingSpecs.store.env)
    expect(sql.stdout).not.toContain("--dry-run")
  })
})

describe.concurrent("bad usage exits with 2 and says what to do", () => {
  const cases: ReadonlyArray<readonly [string, ReadonlyArray<string>, string]> = [
    ["no command", [], "Which command?"],
    ["an unknown command", ["mirror"], 'There is no command "mirror"'],
    ["help for an unknown command", ["help", "rnu"], 'There is no command "rnu"'],
    ["--help after an unknown command", ["rnu", "--help"], 'There is no command "rnu"'],
    ["a flag before the command", ["--offline", "run"], "Put the command first"],
    ["a short flag before the command", ["-v", "run"], "Put the command first"],
    ["-- before the command", ["--", "run"], "Put the command first"],
    ["an unknown flag", ["sync", "--fast"], "Unknown flag --fast"],
    ["a flag the command does not take", ["population", "--force"], "does not take --force"],
    ["a setting the command does not use", ["report", "--contact", "me@example.com"],
      "`quest report` does not use --contact (QUEST_CONTACT)."],
    ["a setting without its value", ["sync", "--store"], "--store needs a value"],
    ["a switch with a value", ["run", "--offline=yes"], "--offline is a switch and takes no value."],
    ["an argument", ["sync", "now"], 'takes no argument "now"'],
    ["sql without a query", ["sql"], "Give a query, e.g. quest sql \"select"],
    ["sql with a blank query", ["sql", " "], "Give a query"],
    ["sql with two queries", ["sql", "select 1", "select 2"], "takes one query, in quotes"],
    ["--reports to another command", ["report", "--reports"], "does not take --reports"],
    ["a setting out of range", ["sync", "--max-delete-share", "2"], "--max-delete-share=\"2\" is not valid: it must be a number from 0 to 1"]
  ]
  it.each(cases)("%s", async (_, args, said) => {
    const { code, stderr, stdout } = await runQuest(args, { QUEST_CONTACT: "me@example.org" })
    expect(code).toBe(2)
    // Off a terminal: one flat log record, the sentence in `message`, where to look in `hint`.
    const [record, ...more] = logRecords(stderr)
    expect(more).toEqual([])
    expect(record).toMatchObject({ level: "ERROR", event: "usage", exitCode: 2 })
    expect(record!.message).toContain(said)
    expect(record!["hint"]).toMatch(/--help/)
    expect(stdout).toBe("")
  })

  const typed: ReadonlyArray<readonly [string, ReadonlyArray<string>, Record<string, string>, string]> = [
    ["a flag's invalid number names the flag", ["sync", "--concurrency=abc"], {}, '--concurrency="abc" is not valid: it must be a whole number from 1 to 64.'],
    ["a variable's invalid number names the variable", ["sync"], { QUEST_CONCURRENCY: "abc" }, 'QUEST_CONCURRENCY="abc" is not valid'],
    ["an s3:// store without a bucket", ["report", "--store", "s3://"], {}, '--store="s3://" is not a store: "" is not an S3 bucket name'],
    ["an s3:// store with an invalid bucket", ["report"], { QUEST_STORE: "s3://My_Bucket/x" }, 'QUEST_STORE="s3://My_Bucket/x" is not a store: "My_Bucket"'],
    ["a store of another scheme", ["show", "--store=gs://b"], {}, "only a local folder or s3://bucket/prefix"],
    ["a contact that is neither an e-mail nor a URL", ["sync", "--contact", "me"], {}, '--contact="me" is neither an e-mail address nor an http(s) URL'],
    ["a contact variable likewise", ["population"], { QUEST_CONTACT: "call me" }, 'QUEST_CONTACT="call me" is neither'],
    ["a mistyped command", ["syn"], {}, "Did you mean `sync`?"],
    ["a mistyped flag", ["sync", "--concurency", "2"], {}, "Unknown flag --concurency. Did you mean `--concurrency`?"],
    ["a mistyped switch", ["run", "--dryrun"], {}, "Did you mean `--dry-run`?"],
    ["a setting's beginning", ["run", "--max-delete", "0.5"], {}, "Did you mean `--max-delete-share`?"],
    ["a beginning names the command's own flag", ["sync", "--timeout", "9"], {}, "Did you mean `--timeout-ms`?"],
    ["a short beginning", ["population", "--cont", "me@example.org"], {}, "Did you mean `--contact`?"],
    ["a mistyped sql switch", ["sql", "--jsn", "select 1"], {}, "Unknown flag --jsn. Did you mean `--json`?"],
    ["a mistyped sql setting", ["sql", "--reports", "--stor", "./data"], {}, "Unknown flag --stor. Did you mean `--store`?"]
  ]
  it.each(typed)("%s", async (_, args, env, said) => {
    const { code, stderr, stdout } = await runQuest(args, env)
    expect(code).toBe(2)
    const [record, ...more] = logRecords(stderr)
    expect(more).toEqual([])
    expect(record).toMatchObject({ level: "ERROR", event: "usage" })
    expect(record!.message).toContain(said)
    expect(stdout).toBe("")
  })

  it.each([
    [["mirror"], 'There is no command "mirror".'],
    [["sin"], 'There is no command "sin".'],
    [["run", "-x"], "Unknown flag -x."]
  ])("a word far from every name gets no guess: %j", async (args, said) => {
    const [record] = logRecords((await runQuest(args)).stderr)
    expect(record!.message).toBe(said)
  })

  it("--offline with an upstream URL it cannot serve", async () => {
    const { code, stderr } = await runQuest(["sync", "--offline", "--bls-base-url", "https://example.org/pr/"])
    expect(code).toBe(2)
    const [record] = logRecords(stderr)
    expect(record!.message).toContain("--offline serves the fixtures at the default URLs only")
    expect(record!.message).toContain("unset BLS_BASE_URL, or drop --offline")
  })
})

describe("quest --version", () => {
  it("answers with the package's version and the runtime", async () => {
    const { code, stdout, stderr } = await runQuest(["--version"])
    expect(code).toBe(0)
    expect(stderr).toBe("")
    const pkg = JSON.parse(readFileSync(join(projectRoot, "package.json"), "utf8")) as { version: string }
    expect(QUEST_VERSION).toBe(pkg.version)
    expect(stdout).toBe(`quest ${pkg.version} (node ${process.version}, ${process.platform}-${process.arch})\n`)
  })
})
