/**
 * The CI roles judged by a policy engine (@cloud-copilot/iam-simulate) on the calls the AWS
 * provider makes for every resource the pipeline's stack declares (ciRoleCalls.ts): the
 * deploy role may make all of them, the preview role the reads of `preview --refresh` and
 * nothing that changes a resource; the deploy role creates roles only inside the boundary.
 */
import { beforeAll, describe, expect, it } from "vitest"
import { analystBoundary, analystBoundaryArn, deployPolicy, functionBoundary, functionBoundaryArn, githubRoleName, previewPolicy } from "../../github-oidc/githubAccess.ts"
import { actionExists } from "../support/policyEngine.ts"
import { type Call, decide, sessionOf, stackCalls } from "./ciRoleCalls.ts"
import { ACCOUNT_ID, declareStack, type DeclaredStack, REGION } from "./mockStack.ts"

const scope = { account: ACCOUNT_ID, region: REGION, namePrefix: "bls-quest-", stateBucket: undefined }
const DEPLOY = sessionOf(githubRoleName("bls-quest-", "deploy"))
const PREVIEW = sessionOf(githubRoleName("bls-quest-", "preview"))
const BOUNDARY = functionBoundaryArn(scope)
const DEFAULT_KEY_POLICY = {
  Version: "2012-10-17",
  Statement: [{ Effect: "Allow", Principal: { AWS: `arn:aws:iam::${ACCOUNT_ID}:root` }, Action: "kms:*", Resource: "*" }]
}

/** The calls a policy does not allow, as `action on resource (resource type): answer`. */
const refused = async (policy: unknown, principal: string, calls: ReadonlyArray<Call & { name: string }>) => {
  const answers = await Promise.all(calls.map(async (call) => ({ call, answer: await decide(policy, principal, call) })))
  return answers.filter(({ answer }) => answer !== "Allowed").map(({ call, answer }) => `${call.action} on ${call.resource} (${call.name}): ${answer}`)
}

const policyActions = (policy: { Statement: ReadonlyArray<{ Action: string | ReadonlyArray<string> }> }) =>
  policy.Statement.flatMap((s) => (typeof s.Action === "string" ? [s.Action] : s.Action))

/** Actions the Service Authorization Reference does not know. */
const unknownActions = async (actions: ReadonlyArray<string>) => {
  const known = await Promise.all(actions.map(actionExists))
  return actions.filter((_, index) => !known[index])
}

/** What a policy document grants, one concrete call per action and resource: a `*` stands for a name, a log group's `:*` for its streams. */
const grantsOf = (document: string): ReadonlyArray<Call> =>
  (JSON.parse(document).Statement as Array<{ Action: Array<string> | string; Resource: Array<string> | string }>).flatMap((s) =>
    [s.Action].flat().flatMap((action) =>
      [s.Resource].flat().map((resource) => ({ action, resource: resource.replace(/:\*$/, ":log-stream:x").replaceAll("*", "x") }))
    )
  )

/** The grants a boundary does not cover. A key is used through S3, under a key policy that leaves access to IAM (KMS's default). */
const outside = async (boundary: unknown, grants: ReadonlyArray<Call>) => {
  const answers = await Promise.all(grants.map(async (call) => {
    const [context, resource] = call.action.startsWith("kms:") ? [{ "kms:ViaService": `s3.${REGION}.amazonaws.com` }, DEFAULT_KEY_POLICY] : [{}, undefined]
    const answer = await decide(boundary, `arn:aws:sts::${ACCOUNT_ID}:assumed-role/someone/x`, { ...call, context }, { resource }).catch((error: Error) => {
      // A statement naming several kinds of resource grants each action on the kinds it takes only.
      if (error.message.includes("no.resource.types")) return "Allowed"
      throw error
    })
    return answer === "Allowed" ? [] : [`${call.action} ${call.resource}: ${answer}`]
  }))
  return answers.flat()
}

describe("the CI roles against the calls the AWS provider makes for the stack", () => {
  let stack: DeclaredStack
  beforeAll(async () => {
    // Every optional resource and grant declared: an alarm e-mail subscription, a reservation, a bucket key, many surveys.
    stack = await declareStack("dev", {
      roleBoundaryArn: BOUNDARY,
      kmsKeyArn: `arn:aws:kms:${REGION}:${ACCOUNT_ID}:key/0a1b2c3d-1111-2222-3333-444455556666`,
      alarmEmail: "oncall@quest-ci.dev",
      ingestReservedConcurrency: "3",
      surveys: "pr,cu,la,ce,jt,sm"
    })
  }, 120_000)

  it("deploy: may create, read, update and delete every resource the stack declares", async () => {
    const all = stackCalls(stack, ["create", "read", "update", "delete"])
    expect(all.length).toBeGreaterThan(200)
    expect(await refused(deployPolicy(scope), DEPLOY, all)).toEqual([])
  })

  it("preview: may make every read of `pulumi preview --refresh`", async () => {
    expect(await refused(previewPolicy(scope), PREVIEW, stackCalls(stack, ["read"]))).toEqual([])
  })

  it("preview: may change nothing", async () => {
    const reads = new Set(stackCalls(stack, ["read"]).map((call) => call.action))
    const changes = stackCalls(stack, ["create", "update", "delete"]).filter((call) => !reads.has(call.action))
    const allowed = await Promise.all(changes.map(async (call) => (await decide(previewPolicy(scope), PREVIEW, call)) === "Allowed" ? call.action : []))
    expect(changes.length).toBeGreaterThan(100)
    expect(allowed.flat()).toEqual([])
  })

  it("catch a missing grant: without lambda:ListTags on mappings, the deploy fails at the event source mappings", async () => {
    const policy = deployPolicy(scope)
    const without = {
      ...policy,
      Statement: policy.Statement.map((s) => s.Sid === "ManageEventSourceMappings" ? { ...s, Action: s.Action.filter((a) => a !== "lambda:ListTags") } : s)
    }
    const failures = await refused(without, DEPLOY, stackCalls(stack, ["create", "read"]))
    expect(failures).toHaveLength(2)
    for (const failure of failures) {
      expect(failure).toMatch(/^lambda:ListTags on arn:aws:lambda:us-east-1:123456789012:event-source-mapping:\S+ \(aws:lambda\/eventSourceMapping:EventSourceMapping \S+\): ImplicitlyDenied$/)
    }
  })

  it("the stack's roles carry the boundary, and what the functions' policies grant stays inside it", async () => {
    const roles = stack.ofType("aws:iam/role:Role")
    expect(roles.map((role) => role.inputs["permissionsBoundary"])).toEqual([BOUNDARY, BOUNDARY])
    const granted = stack.ofType("aws:iam/rolePolicy:RolePolicy").flatMap((rolePolicy) => grantsOf(rolePolicy.inputs["policy"]))
    expect(granted.length).toBeGreaterThan(10)
    expect(await outside(functionBoundary(scope), granted)).toEqual([])
  })

  it("what the stack's analyst policy grants stays inside the analyst boundary", async () => {
    const granted = grantsOf(stack.one("aws:iam/policy:Policy", "analyst").inputs["policy"])
    expect(granted.length).toBeGreaterThan(10)
    expect(await outside(analystBoundary(scope), granted)).toEqual([])
  })
})

describe("the analyst boundary caps what a deploy can write into the analyst policy", () => {
  // The worst a deploy could write: everything.
  const rewritten = { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "*", Resource: "*" }] }
  const ask = (action: string, resource: string) =>
    decide(rewritten, `arn:aws:sts::${ACCOUNT_ID}:assumed-role/analyst/someone`, { action, resource }, { boundary: analystBoundary(scope) })
  const [bucket, workgroup] = ["arn:aws:s3:::bls-quest-dev-data-0a1b2c3", `arn:aws:athena:${REGION}:${ACCOUNT_ID}:workgroup/bls-quest-dev`]
  const glue = (resource: string) => `arn:aws:glue:${REGION}:${ACCOUNT_ID}:${resource}`

  it("still queries the pipeline's workgroup over its data", async () => {
    expect(await ask("athena:StartQueryExecution", workgroup)).toBe("Allowed")
    expect(await ask("glue:GetTable", glue("table/bls_quest_dev/bls_files"))).toBe("Allowed")
    expect(await ask("s3:GetObject", `${bucket}/bls/cu/cu.data.0.Current`)).toBe("Allowed")
    expect(await ask("s3:PutObject", `${bucket}/athena-results/q.csv`)).toBe("Allowed")
  })

  it("gains nothing else: no IAM, no writes to the data, no other bucket, workgroup or database", async () => {
    const denied: Array<[string, string]> = [
      ["iam:AttachUserPolicy", `arn:aws:iam::${ACCOUNT_ID}:user/analyst`],
      ["iam:CreateAccessKey", `arn:aws:iam::${ACCOUNT_ID}:user/admin`],
      ["s3:PutObject", `${bucket}/bls/pr/pr.data.0.Current`],
      ["s3:DeleteObject", `${bucket}/population/population.json`],
      ["s3:GetObject", "arn:aws:s3:::another-bucket/secret"],
      ["athena:StartQueryExecution", `arn:aws:athena:${REGION}:${ACCOUNT_ID}:workgroup/primary`],
      ["glue:DeleteTable", glue("table/bls_quest_dev/bls_files")],
      ["glue:GetTable", glue("table/finance/ledger")],
      ["lambda:InvokeFunction", `arn:aws:lambda:${REGION}:${ACCOUNT_ID}:function:bls-quest-dev-ingest`]
    ]
    for (const [action, resource] of denied) expect(await ask(action, resource), `${action} ${resource}`).toBe("ImplicitlyDenied")
  })
})

describe("the deploy role creates roles only inside the permissions boundary", () => {
  const role = `arn:aws:iam::${ACCOUNT_ID}:role/bls-quest-dev-ingest-0a1b2c3`
  const ask = (action: string, resource: string, context: Record<string, string> = {}) => decide(deployPolicy(scope), DEPLOY, { action, resource, context })

  it("creates a role, writes its policy, sets its boundary: with the boundary only", async () => {
    for (const action of ["iam:CreateRole", "iam:PutRolePolicy", "iam:PutRolePermissionsBoundary"]) {
      expect(await ask(action, role, { "iam:PermissionsBoundary": BOUNDARY }), action).toBe("Allowed")
      expect(await ask(action, role), `${action} without a boundary`).toBe("ImplicitlyDenied")
      const other = `arn:aws:iam::${ACCOUNT_ID}:policy/AdministratorAccess`
      expect(await ask(action, role, { "iam:PermissionsBoundary": other }), `${action} with another boundary`).toBe("ImplicitlyDenied")
    }
  })

  it("never removes a boundary, nor rewrites either boundary policy", async () => {
    expect(await ask("iam:DeleteRolePermissionsBoundary", role, { "iam:PermissionsBoundary": BOUNDARY })).toBe("ExplicitlyDenied")
    for (const action of ["iam:CreatePolicyVersion", "iam:SetDefaultPolicyVersion", "iam:DeletePolicy", "iam:DeletePolicyVersion"]) {
      for (const boundary of [BOUNDARY, analystBoundaryArn(scope)]) expect(await ask(action, boundary), `${action} ${boundary}`).toBe("ExplicitlyDenied")
    }
  })

  it("attaches no managed policy and creates no role outside the pipeline's names", async () => {
    expect(await ask("iam:AttachRolePolicy", role, { "iam:PermissionsBoundary": BOUNDARY, "iam:PolicyARN": "arn:aws:iam::aws:policy/AdministratorAccess" }))
      .toBe("ImplicitlyDenied")
    expect(await ask("iam:CreateRole", `arn:aws:iam::${ACCOUNT_ID}:role/admin`, { "iam:PermissionsBoundary": BOUNDARY })).toBe("ImplicitlyDenied")
  })
})

describe("the deploy role manages the catalog by the pipeline's names only", () => {
  const ask = (action: string, resource: string) => decide(deployPolicy(scope), DEPLOY, { action, resource })
  const glue = (resource: string) => `arn:aws:glue:${REGION}:${ACCOUNT_ID}:${resource}`

  it("creates, rewrites and deletes an IAM policy only under the pipeline's prefix", async () => {
    for (const action of ["iam:CreatePolicy", "iam:CreatePolicyVersion", "iam:SetDefaultPolicyVersion", "iam:DeletePolicy"]) {
      expect(await ask(action, `arn:aws:iam::${ACCOUNT_ID}:policy/bls-quest-dev-analyst-0a1b2c3`), action).toBe("Allowed")
      expect(await ask(action, `arn:aws:iam::${ACCOUNT_ID}:policy/analysts`), `${action} elsewhere`).toBe("ImplicitlyDenied")
    }
  })

  it("attaches the analyst policy to no one: that stays an administrator's act", async () => {
    const analyst = { "iam:PolicyARN": `arn:aws:iam::${ACCOUNT_ID}:policy/bls-quest-dev-analyst-0a1b2c3` }
    const principals: Array<[string, string]> = [
      ["iam:AttachUserPolicy", `arn:aws:iam::${ACCOUNT_ID}:user/analyst`],
      ["iam:AttachGroupPolicy", `arn:aws:iam::${ACCOUNT_ID}:group/analysts`],
      ["iam:AttachRolePolicy", `arn:aws:iam::${ACCOUNT_ID}:role/bls-quest-dev-ingest-0a1b2c3`]
    ]
    for (const [action, resource] of principals) {
      expect(await decide(deployPolicy(scope), DEPLOY, { action, resource, context: analyst }), action).toBe("ImplicitlyDenied")
    }
  })

  it("touches no other Glue database or Athena workgroup", async () => {
    expect(await ask("glue:CreateDatabase", glue("database/bls_quest_prod"))).toBe("Allowed")
    expect(await ask("glue:DeleteDatabase", glue("database/finance"))).toBe("ImplicitlyDenied")
    expect(await ask("glue:UpdateTable", glue("table/finance/ledger"))).toBe("ImplicitlyDenied")
    expect(await ask("athena:DeleteWorkGroup", `arn:aws:athena:${REGION}:${ACCOUNT_ID}:workgroup/primary`)).toBe("ImplicitlyDenied")
  })
})

describe("the boundary caps a created role at the pipeline's data", () => {
  const ask = (action: string, resource: string) => decide(functionBoundary(scope), `arn:aws:sts::${ACCOUNT_ID}:assumed-role/fn/x`, { action, resource })
  const bucket = "arn:aws:s3:::bls-quest-dev-data-0a1b2c3"

  it("reads and writes the pipeline's objects and messages", async () => {
    expect(await ask("s3:PutObject", `${bucket}/reports/latest/report.json`)).toBe("Allowed")
    expect(await ask("sqs:SendMessage", `arn:aws:sqs:${REGION}:${ACCOUNT_ID}:bls-quest-dev-surveys-0a1b2c3`)).toBe("Allowed")
  })

  it("changes no setting, touches no other bucket, and grants nothing in IAM or Lambda", async () => {
    const denied: Array<[string, string]> = [
      ["s3:PutBucketPolicy", bucket],
      ["s3:DeleteBucket", bucket],
      ["s3:GetObject", "arn:aws:s3:::another-bucket/secret"],
      ["sqs:DeleteQueue", `arn:aws:sqs:${REGION}:${ACCOUNT_ID}:bls-quest-dev-surveys-0a1b2c3`],
      ["iam:PutRolePolicy", `arn:aws:iam::${ACCOUNT_ID}:role/bls-quest-dev-ingest-0a1b2c3`],
      ["lambda:UpdateFunctionCode", `arn:aws:lambda:${REGION}:${ACCOUNT_ID}:function:bls-quest-dev-ingest`]
    ]
    for (const [action, resource] of denied) expect(await ask(action, resource), action).toBe("ImplicitlyDenied")
  })
})

describe("every action the CI roles name exists", () => {
  it("in the deploy and preview policies and both boundaries", async () => {
    const withState = { ...scope, stateBucket: "acme-pulumi-state" }
    for (const policy of [deployPolicy(withState), previewPolicy(withState), functionBoundary(scope), analystBoundary(scope)]) {
      expect(await unknownActions(policyActions(policy))).toEqual([])
    }
  })

  it("so a misspelt one is caught", async () => {
    expect(await unknownActions(["lambda:ListTag", "s3:GetBucketEncryption", "s3:GetObjekt*", "lambda:ListTags", "s3:GetObject*", "s3:*"]))
      .toEqual(["lambda:ListTag", "s3:GetBucketEncryption", "s3:GetObjekt*"])
  })
})
