/**
 * What GitHub Actions needs in the AWS account, applied once per account, apart from the
 * pipeline's stacks: GitHub's OIDC provider and two roles its workflows assume with a
 * short-lived token instead of stored keys (trust and permissions in githubAccess.ts).
 *
 *   cd github-oidc
 *   pulumi stack init <account>   # e.g. prod-account
 *   pulumi config set repository <owner>/<name>
 *   pulumi config set repositoryId <id>        # gh api repos/<owner>/<name> --jq .id
 *   pulumi config set repositoryOwnerId <id>   # gh api repos/<owner>/<name> --jq .owner.id
 *   pulumi up
 *
 * Then set the repository variables the workflows read from the outputs:
 * AWS_DEPLOY_ROLE_ARN (deploy.yml) and AWS_PREVIEW_ROLE_ARN (preview.yml); and the
 * pipeline's stack setting bls-quest:roleBoundaryArn from functionBoundaryArn. Whoever is
 * given a stack's analyst policy must carry analystBoundaryArn as permissions boundary
 * (docs/ci-roles.md).
 */
import * as aws from "@pulumi/aws"
import * as pulumi from "@pulumi/pulumi"
import {
  analystBoundary,
  analystBoundaryName,
  type Assumers,
  deployPolicy,
  functionBoundary,
  functionBoundaryName,
  GITHUB_OIDC_AUDIENCE,
  GITHUB_OIDC_URL,
  githubRoleName,
  previewPolicy,
  type Scope,
  trustPolicy
} from "./githubAccess.ts"

const config = new pulumi.Config()
const project = pulumi.getProject()
const repository = config.require("repository")
if (!/^[\w.-]+\/[\w.-]+$/.test(repository)) {
  throw new pulumi.RunError(
    `Config ${project}:repository: "${repository}" is not owner/name. Set it with \`pulumi config set ${project}:repository <owner>/<name>\`.`
  )
}
const [repositoryId, repositoryOwnerId] = [config.require("repositoryId"), config.require("repositoryOwnerId")]
if (!/^\d*$/.test(repositoryId) || !/^\d*$/.test(repositoryOwnerId) || (repositoryId === "") !== (repositoryOwnerId === "")) {
  throw new pulumi.RunError(
    `Config ${project}:repositoryId and repositoryOwnerId: "${repositoryId}" and "${repositoryOwnerId}" are not both GitHub's numeric ids. ` +
      `Set both (gh api repos/${repository} --jq '.id, .owner.id'), or neither to trust the classic subject only.`
  )
}
const trusted = { fullName: repository, ...(repositoryId === "" ? {} : { ids: { repository: repositoryId, owner: repositoryOwnerId } }) }
const deployEnvironment = config.require("deployEnvironment")
const namePrefix = config.require("namePrefix")
const stateBucket = config.require("stateBucket").replace(/^s3:\/\//, "").replace(/\/.*$/, "") || undefined

const provider = config.require("oidcProviderArn") ||
  new aws.iam.OpenIdConnectProvider("github", { url: GITHUB_OIDC_URL, clientIdLists: [GITHUB_OIDC_AUDIENCE] }).arn

const scope = pulumi.all([aws.getCallerIdentityOutput().accountId, aws.getRegionOutput().region])
  .apply(([account, region]): Scope => ({ account, region, namePrefix, stateBucket }))
const asJson = (document: (scope: Scope) => object) => scope.apply((s) => JSON.stringify(document(s)))

const role = (name: "deploy" | "preview", who: Assumers, description: string, policy: (scope: Scope) => object) => {
  const created = new aws.iam.Role(githubRoleName(namePrefix, name), {
    description,
    maxSessionDuration: 3600,
    assumeRolePolicy: pulumi.output(provider).apply((providerArn) => JSON.stringify(trustPolicy(providerArn, trusted, who)))
  })
  new aws.iam.RolePolicy(githubRoleName(namePrefix, name), { role: created.id, policy: asJson(policy) })
  return created
}

// Named, not auto-named: the deploy role's conditions name their ARNs.
const boundary = new aws.iam.Policy("function-boundary", {
  name: functionBoundaryName(namePrefix),
  description: "The most a role created by the GitHub deploy role may do: the pipeline functions' own resources",
  policy: asJson(functionBoundary)
})
const analysts = new aws.iam.Policy("analyst-boundary", {
  name: analystBoundaryName(namePrefix),
  description: "The most a stack's analyst policy can give whoever carries this boundary: the pipeline's queries and data, read-only",
  policy: asJson(analystBoundary)
})
const deploy = role("deploy", { environment: deployEnvironment }, `pulumi up from ${repository}, environment ${deployEnvironment}`, deployPolicy)
const preview = role("preview", { pullRequests: true }, `pulumi preview of pull requests to ${repository} (read-only)`, previewPolicy)

export const oidcProviderArn = provider
export const deployRoleArn = deploy.arn
export const previewRoleArn = preview.arn
export const functionBoundaryArn = boundary.arn
export const analystBoundaryArn = analysts.arn
