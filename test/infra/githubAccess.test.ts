/**
 * Who may assume the GitHub roles, and what they may do — read back from the github-oidc
 * program run under Pulumi's mocks, the way the stack tests read the functions' policies.
 * Each trust policy is judged by a policy engine (@cloud-copilot/iam-simulate) against the
 * claims GitHub puts in a job's token (`sub` per trigger in either spelling, `aud`, the
 * repository's ids), so a loosened condition shows up as a job that gets in.
 */
import * as pulumi from "@pulumi/pulumi"
import { load } from "js-yaml"
import { readFileSync } from "node:fs"
import { beforeAll, describe, expect, it } from "vitest"
import { deployPolicy, previewPolicy } from "../../github-oidc/githubAccess.ts"
import { trusts } from "../support/policyEngine.ts"

const ACCOUNT = "123456789012"
const REPOSITORY = "acme/bls-quest"
const IDS = { owner: "1001", repository: "2002" }
const PROVIDER_ARN = `arn:aws:iam::${ACCOUNT}:oidc-provider/token.actions.githubusercontent.com`

interface Declared {
  readonly type: string
  readonly name: string
  readonly inputs: Record<string, any>
}

let runs = 0

/** The github-oidc program under mocks, with its Pulumi.yaml defaults and `overrides`. */
const declareGithubAccess = async (overrides: Record<string, string>) => {
  const project = load(readFileSync("github-oidc/Pulumi.yaml", "utf8")) as { name: string; config: Record<string, { default?: unknown }> }
  const config: Record<string, string> = {}
  for (const [key, entry] of Object.entries(project.config)) {
    if (entry.default !== undefined) config[`${project.name}:${key}`] = String(entry.default)
  }
  for (const [key, value] of Object.entries(overrides)) config[`${project.name}:${key}`] = value
  pulumi.runtime.setAllConfig(config)
  const resources: Array<Declared> = []
  await pulumi.runtime.setMocks({
    newResource: ({ type, name, inputs }) => {
      resources.push({ type, name, inputs })
      const arn = type === "aws:iam/openIdConnectProvider:OpenIdConnectProvider" ? PROVIDER_ARN : `arn:aws:iam::${ACCOUNT}:role/${name}-0a1b2c3`
      return { id: `${name}-0a1b2c3`, state: { ...inputs, arn, name: `${name}-0a1b2c3` } }
    },
    call: ({ token, inputs }) => {
      if (token === "aws:index/getCallerIdentity:getCallerIdentity") return { accountId: ACCOUNT, id: ACCOUNT }
      if (token === "aws:index/getRegion:getRegion") return { region: "us-east-1", name: "us-east-1", id: "us-east-1" }
      return inputs
    }
  }, project.name, "acme", false)
  const program = await import(/* @vite-ignore */ `${new URL("../../github-oidc/index.ts", import.meta.url).href}?run=${++runs}`)
  const outputs: Record<string, unknown> = {}
  for (const [key, value] of Object.entries(program as Record<string, unknown>)) {
    outputs[key] = pulumi.Output.isInstance(value) ? await new Promise((done) => value.apply(done)) : value
  }
  await (pulumi.runtime as unknown as { waitForRPCs: () => Promise<void> }).waitForRPCs()
  return { resources, outputs }
}

/** The claims of a GitHub Actions job's OIDC token that trust policies look at. */
interface Token {
  readonly sub: string
  readonly aud?: string
  /** GitHub's ids of the repository the job runs in: this repository's unless told. */
  readonly ids?: { readonly owner: string; readonly repository: string }
}

/** STS's answer for AssumeRoleWithWebIdentity with this token. */
const mayAssume = (trust: unknown, token: Token): boolean => {
  const ids = token.ids ?? IDS
  const claim = "token.actions.githubusercontent.com"
  return trusts(trust, {
    principal: PROVIDER_ARN,
    action: "sts:AssumeRoleWithWebIdentity",
    resource: `arn:aws:iam::${ACCOUNT}:role/github-bls-quest-deploy-0a1b2c3`,
    account: ACCOUNT,
    context: {
      [`${claim}:sub`]: token.sub,
      [`${claim}:aud`]: token.aud ?? "sts.amazonaws.com",
      [`${claim}:repository_id`]: ids.repository,
      [`${claim}:repository_owner_id`]: ids.owner
    }
  })
}

const IMMUTABLE = `acme@${IDS.owner}/bls-quest@${IDS.repository}`

/** Jobs as GitHub names them in `sub`, by what triggered them, in the classic and the immutable spelling. */
const JOBS: Record<string, Token> = {
  "deploy job (environment dev)": { sub: `repo:${REPOSITORY}:environment:dev` },
  "deploy job (environment dev), immutable subject": { sub: `repo:${IMMUTABLE}:environment:dev` },
  "pull request": { sub: `repo:${REPOSITORY}:pull_request` },
  "pull request, immutable subject": { sub: `repo:${IMMUTABLE}:pull_request` },
  "push to main, no environment": { sub: `repo:${REPOSITORY}:ref:refs/heads/main` },
  "push to a branch": { sub: `repo:${REPOSITORY}:ref:refs/heads/feature` },
  "another environment (prod)": { sub: `repo:${REPOSITORY}:environment:prod` },
  "another environment, immutable subject": { sub: `repo:${IMMUTABLE}:environment:prod` },
  "a fork's pull request": { sub: "repo:mallory/bls-quest:pull_request", ids: { owner: "6666", repository: "7777" } },
  "a look-alike repository": { sub: "repo:acme/bls-quest-fork:environment:dev", ids: { owner: IDS.owner, repository: "3003" } },
  "another repository of the owner, immutable subject": {
    sub: `repo:acme@${IDS.owner}/other@3003:environment:dev`,
    ids: { owner: IDS.owner, repository: "3003" }
  },
  "another owner with the same names (a recycled name)": {
    sub: `repo:${REPOSITORY}:environment:dev`,
    ids: { owner: "9009", repository: "8008" }
  },
  "another owner with the same names, immutable subject": {
    sub: "repo:acme@9009/bls-quest@8008:environment:dev",
    ids: { owner: "9009", repository: "8008" }
  },
  "a token for another audience": { sub: `repo:${REPOSITORY}:environment:dev`, aud: "https://github.com/acme" }
}

describe("the GitHub OIDC provider and roles", () => {
  let declared: Awaited<ReturnType<typeof declareGithubAccess>>
  const role = (name: string) => declared.resources.find((r) => r.type === "aws:iam/role:Role" && r.name.endsWith(name))!
  const trustOf = (name: string) => JSON.parse(role(name).inputs["assumeRolePolicy"])
  beforeAll(async () => {
    declared = await declareGithubAccess({ repository: REPOSITORY, repositoryId: IDS.repository, repositoryOwnerId: IDS.owner })
  }, 60_000)

  it("declare GitHub's OIDC provider for the STS audience, two roles and two boundaries named outside the pipeline's prefix", () => {
    const provider = declared.resources.filter((r) => r.type === "aws:iam/openIdConnectProvider:OpenIdConnectProvider")
    expect(provider.map((r) => r.inputs)).toEqual([{ url: "https://token.actions.githubusercontent.com", clientIdLists: ["sts.amazonaws.com"] }])
    expect(declared.resources.filter((r) => r.type === "aws:iam/role:Role").map((r) => r.name).sort())
      .toEqual(["github-bls-quest-deploy", "github-bls-quest-preview"])
    expect(declared.resources.filter((r) => r.type === "aws:iam/policy:Policy").map((r) => r.inputs["name"]))
      .toEqual(["github-bls-quest-function-boundary", "github-bls-quest-analyst-boundary"])
    expect(declared.outputs).toMatchObject({
      oidcProviderArn: PROVIDER_ARN,
      deployRoleArn: `arn:aws:iam::${ACCOUNT}:role/github-bls-quest-deploy-0a1b2c3`,
      previewRoleArn: `arn:aws:iam::${ACCOUNT}:role/github-bls-quest-preview-0a1b2c3`
    })
  })

  it.each(Object.entries(JOBS))("let in this job: %s", (job, token) => {
    const expected = { deploy: job.startsWith("deploy job (environment dev)"), preview: job.startsWith("pull request") }
    expect({ deploy: mayAssume(trustOf("deploy"), token), preview: mayAssume(trustOf("preview"), token) }).toEqual(expected)
  })

  it("trust by exact claims only", () => {
    for (const name of ["deploy", "preview"]) {
      const [statement] = trustOf(name).Statement
      expect(Object.keys(statement.Condition)).toEqual(["StringEquals"])
      expect(JSON.stringify(statement.Condition)).not.toMatch(/[*?]/)
    }
  })

  it("without the ids, trust the classic subject only", async () => {
    const classic = await declareGithubAccess({ repository: REPOSITORY })
    const trust = JSON.parse(classic.resources.find((r) => r.name === "github-bls-quest-deploy")!.inputs["assumeRolePolicy"])
    expect(mayAssume(trust, JOBS["deploy job (environment dev)"]!)).toBe(true)
    expect(mayAssume(trust, JOBS["deploy job (environment dev), immutable subject"]!)).toBe(false)
  })

  it("refuse ids that are not both GitHub's numbers, saying where to find them", async () => {
    await expect(declareGithubAccess({ repository: REPOSITORY, repositoryId: "2002" })).rejects.toThrow(
      "gh api repos/acme/bls-quest --jq '.id, .owner.id'"
    )
  })

  it("follow the deploy environment and reuse an existing provider when told", async () => {
    const other = await declareGithubAccess({ repository: REPOSITORY, deployEnvironment: "production", oidcProviderArn: PROVIDER_ARN })
    expect(other.resources.filter((r) => r.type === "aws:iam/openIdConnectProvider:OpenIdConnectProvider")).toEqual([])
    const trust = JSON.parse(other.resources.find((r) => r.name === "github-bls-quest-deploy")!.inputs["assumeRolePolicy"])
    expect(mayAssume(trust, { sub: `repo:${REPOSITORY}:environment:production` })).toBe(true)
    expect(mayAssume(trust, JOBS["deploy job (environment dev)"]!)).toBe(false)
  })

  it("refuse a repository that is not owner/name, saying what to run", async () => {
    await expect(declareGithubAccess({ repository: "bls-quest" })).rejects.toThrow(
      "Set it with `pulumi config set bls-quest-github-oidc:repository <owner>/<name>`."
    )
  })
})

describe("what the roles may do", () => {
  const scope = { account: ACCOUNT, region: "us-east-1", namePrefix: "bls-quest-", stateBucket: "acme-pulumi-state" }
  const actions = (policy: { Statement: ReadonlyArray<{ Action: ReadonlyArray<string> }> }) => policy.Statement.flatMap((s) => s.Action)

  it("preview: reads settings only — no object or message reads, no writes but the state lock", () => {
    const policy = previewPolicy(scope)
    const writes = policy.Statement.filter((s) => s.Action.some((action) => !/^[a-z0-9]+:(Get|List|Describe)/.test(action)))
    expect(writes).toEqual([{
      Sid: "TakePulumiLock",
      Effect: "Allow",
      Action: ["s3:DeleteObject", "s3:PutObject"],
      Resource: ["arn:aws:s3:::acme-pulumi-state/.pulumi/locks/*"]
    }])
    // Settings, not data: nothing reads the pipeline's objects or messages (listing key names is
    // how a refresh finds a bucket).
    const reads = policy.Statement.filter((s) => s.Sid !== "ReadPulumiState")
    for (const action of ["s3:GetObject", "s3:GetObjectVersion", "sqs:ReceiveMessage", "logs:GetLogEvents", "logs:FilterLogEvents"]) {
      expect(actions({ Statement: reads })).not.toContain(action)
    }
  })

  it("deploy: manages only resources named with the prefix, and cannot touch its own role", () => {
    const policy = deployPolicy(scope)
    // Deny statements only take away (KeepTheBoundary): every Allow names the pipeline's resources.
    for (const statement of policy.Statement.filter((s) => s.Effect === "Allow")) {
      for (const resource of statement.Resource) {
        if (resource === "*") {
          // Calls IAM authorizes on "*" only: listings, and creating a mapping for an own function.
          expect(statement.Action.every((a) => /:(List|Describe)/.test(a)) || statement.Condition !== undefined, statement.Sid).toBe(true)
        } else if (resource.endsWith(":catalog")) {
          // Glue's second check on every database call: the database's own ARN must match too (ciRoles.test.ts).
          expect(statement.Sid).toBe("ManageGlueCatalog")
        } else if (!resource.startsWith("arn:aws:s3:::acme-pulumi-state") && !resource.includes("event-source-mapping:*")) {
          // Glue names take underscores: bls_quest_<stack>.
          expect(resource, statement.Sid).toMatch(/(:::|:|\/)(aws\/lambda\/)?bls[-_]quest[-_]\*/)
        }
      }
    }
    const iam = policy.Statement.filter((s) => s.Effect === "Allow" && s.Action.some((a) => a.startsWith("iam:")))
    for (const own of ["github-bls-quest-deploy-0a1b2c3", "github-bls-quest-preview-0a1b2c3"]) {
      for (const statement of iam) {
        for (const resource of statement.Resource) {
          const pattern = new RegExp(`^${resource.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*")}$`)
          expect(pattern.test(`arn:aws:iam::${ACCOUNT}:role/${own}`), `${statement.Sid} covers ${own}`).toBe(false)
        }
      }
    }
    expect(policy.Statement.find((s) => s.Sid === "PassOwnRolesToLambda")?.Condition).toEqual({
      StringEquals: { "iam:PassedToService": "lambda.amazonaws.com" }
    })
  })

  it("cover what the pipeline's stack declares: every AWS type it uses has a managing statement", () => {
    const services = new Set(actions(deployPolicy(scope)).map((action) => action.split(":")[0]))
    for (const service of ["s3", "sqs", "lambda", "iam", "logs", "cloudwatch", "events", "sns", "glue", "athena"]) expect(services).toContain(service)
  })
})
