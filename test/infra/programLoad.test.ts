/**
 * The program loads the way `pulumi preview` and `pulumi up` load it: in a plain Node
 * child started with Pulumi.yaml's `nodeargs` (languageHost.ts), not through vitest's
 * transform — so a program that only vite can load (an import without its extension, a
 * TypeScript feature that type stripping refuses) fails here.
 */
import { spawn } from "node:child_process"
import { readFileSync } from "node:fs"
import { load } from "js-yaml"
import { describe, expect, it } from "vitest"
import { readProjectFile, stackConfig } from "./stackConfig.ts"

interface Loaded {
  readonly code: number | null
  readonly stdout: string
  readonly stderr: string
}

/** Runs a project's program in a plain `node` with its Pulumi.yaml's `nodeargs`, from its folder. */
const runProgram = (folder: URL, stack: string, config: Record<string, string>, program?: string) =>
  new Promise<Loaded>((resolve, reject) => {
    const project = load(readFileSync(new URL("Pulumi.yaml", folder), "utf8")) as ReturnType<typeof readProjectFile>
    const nodeargs = String(project.runtime.options?.["nodeargs"] ?? "").split(/\s+/).filter(Boolean)
    const child = spawn(process.execPath, [...nodeargs, HOST, program ?? project.main ?? "index.ts", project.name, stack], {
      cwd: folder.pathname,
      // As the language host passes them: the stack's configuration as JSON, nothing of vitest's.
      env: { PATH: process.env["PATH"] ?? "", HOME: process.env["HOME"] ?? "", PULUMI_CONFIG: JSON.stringify(config) },
      stdio: ["ignore", "pipe", "pipe"]
    })
    let stdout = ""
    let stderr = ""
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()))
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()))
    child.on("error", reject)
    child.on("close", (code) => resolve({ code, stdout, stderr }))
  })

const HOST = new URL("./languageHost.ts", import.meta.url).pathname
const ROOT = new URL("../../", import.meta.url)

const loadProgram = (stack: string, overrides: Record<string, string | undefined> = {}, program?: string) =>
  runProgram(ROOT, stack, stackConfig(stack, overrides), program)

describe("the Pulumi program, loaded as Pulumi's Node language host loads it", () => {
  it("declares the dev stack and its outputs", async () => {
    const loaded = await loadProgram("dev")
    expect(loaded.stderr).toBe("")
    expect(loaded.code).toBe(0)
    const { resources, outputs } = JSON.parse(loaded.stdout) as { resources: Array<{ type: string }>; outputs: Record<string, unknown> }
    expect(resources.filter((resource) => resource.type.startsWith("aws:"))).toHaveLength(53)
    expect(resources.filter((resource) => resource.type.startsWith("bls-quest:"))).toHaveLength(6)
    expect(outputs).toMatchObject({
      ingestFunctionName: "bls-quest-dev-ingest",
      ingestLogGroupName: "/aws/lambda/bls-quest-dev-ingest",
      analyticsLogGroupName: "/aws/lambda/bls-quest-dev-analytics"
    })
  }, 120_000)

  it("stops on a placeholder contact with the line to run", async () => {
    const loaded = await loadProgram("dev", { contact: "you@example.com" })
    expect(loaded.code).toBe(1)
    expect(loaded.stderr).toContain(`Config bls-quest:contact: "you@example.com" is on example.com, a domain reserved for examples`)
    expect(loaded.stderr).toContain("Set it with `pulumi config set bls-quest:contact <your e-mail or URL>`.")
  }, 60_000)

  it("fails a program that only vite could load", async () => {
    // An import without its extension: vite resolves it, Node does not.
    const loaded = await loadProgram("dev", {}, "test/infra/viteOnlyProgram.ts")
    expect(loaded.code).toBe(1)
    expect(loaded.stderr).toMatch(/Cannot find module .*infra\/resourceNames/)
  }, 60_000)

  it("and so does the github-oidc program", async () => {
    const loaded = await runProgram(new URL("github-oidc/", ROOT), "my-account", {
      "bls-quest-github-oidc:repository": "acme/bls-quest",
      "bls-quest-github-oidc:repositoryId": "2002",
      "bls-quest-github-oidc:repositoryOwnerId": "1001",
      "bls-quest-github-oidc:deployEnvironment": "dev",
      "bls-quest-github-oidc:namePrefix": "bls-quest-",
      "bls-quest-github-oidc:stateBucket": "",
      "bls-quest-github-oidc:oidcProviderArn": ""
    })
    expect(loaded.stderr).toBe("")
    expect(loaded.code).toBe(0)
    const { resources } = JSON.parse(loaded.stdout) as { resources: Array<{ type: string; name: string }> }
    expect(resources.map((r) => `${r.type} ${r.name}`).sort()).toEqual([
      "aws:iam/openIdConnectProvider:OpenIdConnectProvider github",
      "aws:iam/policy:Policy analyst-boundary",
      "aws:iam/policy:Policy function-boundary",
      "aws:iam/role:Role github-bls-quest-deploy",
      "aws:iam/role:Role github-bls-quest-preview",
      "aws:iam/rolePolicy:RolePolicy github-bls-quest-deploy",
      "aws:iam/rolePolicy:RolePolicy github-bls-quest-preview"
    ])
  }, 60_000)
})
