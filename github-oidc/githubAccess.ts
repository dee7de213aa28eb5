/**
 * Who may assume the two GitHub roles, and what each may do — as plain data, so the tests
 * read them back (test/infra/githubAccess.test.ts, ciRoles.test.ts).
 *
 * Trust. GitHub's OIDC token names the job in its `sub` claim. The deploy role trusts only
 * jobs of the repository running in the deploy environment (`…:environment:dev`), so that
 * environment's protection rules guard every deploy; the preview role trusts only
 * pull-request jobs (`…:pull_request`). Both demand the audience `sts.amazonaws.com`; exact
 * matches, no wildcards. The repository's settings decide how GitHub spells `sub`:
 * `repo:<owner>/<name>`, or the immutable `repo:<owner>@<owner-id>/<name>@<repo-id>`. Given
 * the ids, both spellings are trusted and the `repository_id` and `repository_owner_id`
 * claims must match too, so a repository that later takes the name is refused.
 *
 * Permissions. A `pulumi preview --refresh` runs the pull request's own code, so its role
 * reads resource settings and nothing else — no object or message reads, no writes but the
 * lock of a self-managed backend. The deploy role manages only resources whose names start
 * with the pipeline's prefix (`bls-quest-`, infra/resourceNames.ts). The GitHub roles and
 * the boundaries are named `github-<prefix>…`, outside it, so the deploy role cannot
 * rewrite its own permissions nor the ceiling of the roles it creates; every role it
 * creates must carry that boundary, so no role it hands to Lambda can do more than the
 * pipeline's functions. test/infra/ciRoleCalls.ts lists the calls the AWS provider makes.
 */
import { ATHENA_RESULTS_PREFIX } from "../domain/storeKeys.ts"
import { allow, policy } from "../infra/accessPolicies.ts"

export const GITHUB_OIDC_URL = "https://token.actions.githubusercontent.com"
export const GITHUB_OIDC_AUDIENCE = "sts.amazonaws.com"
const CLAIM = "token.actions.githubusercontent.com"

export interface Scope {
  readonly account: string
  readonly region: string
  /** Every pipeline resource's name starts with it, e.g. `bls-quest-`. */
  readonly namePrefix: string
  /** The bucket of a self-managed (s3://) Pulumi backend, if any. */
  readonly stateBucket: string | undefined
}

/** Whose jobs may assume a role: the jobs of one environment, or pull requests. */
export type Assumers = { readonly environment?: string; readonly pullRequests?: boolean }

/** The repository whose jobs may assume the roles, as owner/name, with GitHub's numeric ids when known. */
export interface Repository {
  readonly fullName: string
  readonly ids?: { readonly owner: string; readonly repository: string }
}

/** The `sub` claims of the jobs a role trusts: the classic spelling, and the immutable one given the ids. */
export const subjectsOf = ({ fullName, ids }: Repository, who: Assumers) => {
  const job = who.environment !== undefined ? `environment:${who.environment}` : "pull_request"
  const [owner, name] = fullName.split("/")
  return [`repo:${fullName}:${job}`, ...(ids === undefined ? [] : [`repo:${owner}@${ids.owner}/${name}@${ids.repository}:${job}`])]
}

export const trustPolicy = (providerArn: string, repository: Repository, who: Assumers) => policy({
  Sid: "GitHubActionsOidc",
  Effect: "Allow",
  Principal: { Federated: providerArn },
  Action: "sts:AssumeRoleWithWebIdentity",
  Condition: {
    StringEquals: {
      [`${CLAIM}:aud`]: GITHUB_OIDC_AUDIENCE,
      [`${CLAIM}:sub`]: subjectsOf(repository, who),
      ...(repository.ids === undefined
        ? {}
        : { [`${CLAIM}:repository_id`]: repository.ids.repository, [`${CLAIM}:repository_owner_id`]: repository.ids.owner })
    }
  }
})

const arn = (service: string, { region, account }: Scope, resource: string) => `arn:aws:${service}:${region}:${account}:${resource}`
const buckets = ({ namePrefix }: Scope) => [`arn:aws:s3:::${namePrefix}*`, `arn:aws:s3:::${namePrefix}*/*`]
const logGroups = (scope: Scope) => [`log-group:/aws/lambda/${scope.namePrefix}*`, `log-group:/aws/lambda/${scope.namePrefix}*:*`].map((group) => arn("logs", scope, group))
const roles = ({ account, namePrefix }: Scope) => `arn:aws:iam::${account}:role/${namePrefix}*`
/** Glue names take underscores where the pipeline's names have hyphens (infra/catalog.ts). */
const glueNameOf = (namePrefix: string) => namePrefix.replaceAll("-", "_")
/** A kmsKeyArn stack's bucket key, used through S3 only. */
const bucketKeyThroughS3 = (scope: Scope) =>
  allow("BucketKeyThroughS3", ["kms:Decrypt", "kms:GenerateDataKey"], ["*"], { StringEquals: { "kms:ViaService": `s3.${scope.region}.amazonaws.com` } })

/** Glue asks for a database or table call on the account's catalog as well as on the database or table. */
const GLUE_READ = ["glue:GetDatabase", "glue:GetPartitionIndexes", "glue:GetTable"]
const GLUE_MANAGE = ["glue:CreateDatabase", "glue:CreateTable", "glue:DeleteDatabase", "glue:DeleteTable", "glue:UpdateDatabase", "glue:UpdateTable"]

/** Each kind of resource the pipeline declares: where it lives, what a refresh reads, what managing it takes on top. */
const KINDS: ReadonlyArray<{ sid: string; resources: (scope: Scope) => ReadonlyArray<string>; read: ReadonlyArray<string>; manage: ReadonlyArray<string> }> = [
  {
    sid: "Buckets",
    resources: ({ namePrefix }) => [`arn:aws:s3:::${namePrefix}*`],
    // A refresh finds the bucket with HeadBucket, which is s3:ListBucket: it lists key names, never reads an object.
    read: [
      "s3:ListBucket", "s3:GetAccelerateConfiguration", "s3:GetBucketAcl", "s3:GetBucketCORS", "s3:GetBucketLocation", "s3:GetBucketLogging",
      "s3:GetBucketNotification", "s3:GetBucketObjectLockConfiguration", "s3:GetBucketOwnershipControls", "s3:GetBucketPolicy",
      "s3:GetBucketPublicAccessBlock", "s3:GetBucketRequestPayment", "s3:GetBucketTagging", "s3:GetBucketVersioning",
      "s3:GetBucketWebsite", "s3:GetEncryptionConfiguration", "s3:GetLifecycleConfiguration", "s3:GetReplicationConfiguration"
    ],
    manage: [
      "s3:CreateBucket", "s3:DeleteBucket", "s3:DeleteBucketPolicy", "s3:PutBucketNotification", "s3:PutBucketOwnershipControls",
      "s3:PutBucketPolicy", "s3:PutBucketPublicAccessBlock", "s3:PutBucketTagging", "s3:PutBucketVersioning",
      "s3:PutEncryptionConfiguration", "s3:PutLifecycleConfiguration",
      // `dataOnDestroy: delete` empties the bucket, every version included, before deleting it.
      "s3:ListBucketVersions"
    ]
  },
  {
    sid: "EmptyBucketsOnDestroy",
    resources: ({ namePrefix }) => [`arn:aws:s3:::${namePrefix}*/*`],
    read: [],
    manage: ["s3:DeleteObject", "s3:DeleteObjectVersion"]
  },
  {
    sid: "Queues",
    resources: (scope) => [arn("sqs", scope, `${scope.namePrefix}*`)],
    read: ["sqs:GetQueueAttributes", "sqs:GetQueueUrl", "sqs:ListDeadLetterSourceQueues", "sqs:ListQueueTags"],
    manage: ["sqs:CreateQueue", "sqs:DeleteQueue", "sqs:SetQueueAttributes", "sqs:TagQueue", "sqs:UntagQueue"]
  },
  {
    sid: "Functions",
    resources: (scope) => [arn("lambda", scope, `function:${scope.namePrefix}*`)],
    read: [
      "lambda:GetFunction", "lambda:GetFunctionCodeSigningConfig", "lambda:GetFunctionConcurrency",
      "lambda:GetFunctionConfiguration", "lambda:GetFunctionEventInvokeConfig", "lambda:GetFunctionRecursionConfig",
      "lambda:GetPolicy", "lambda:GetRuntimeManagementConfig", "lambda:ListFunctionEventInvokeConfigs", "lambda:ListTags",
      "lambda:ListVersionsByFunction"
    ],
    manage: [
      "lambda:AddPermission", "lambda:CreateFunction", "lambda:DeleteFunction", "lambda:DeleteFunctionConcurrency",
      "lambda:DeleteFunctionEventInvokeConfig", "lambda:PublishVersion", "lambda:PutFunctionConcurrency",
      "lambda:PutFunctionEventInvokeConfig", "lambda:RemovePermission", "lambda:TagResource", "lambda:UntagResource",
      "lambda:UpdateFunctionCode", "lambda:UpdateFunctionConfiguration", "lambda:UpdateFunctionEventInvokeConfig"
    ]
  },
  {
    // A mapping's ARN holds a generated id; creating one is scoped by the function instead (deployPolicy).
    sid: "EventSourceMappings",
    resources: (scope) => [arn("lambda", scope, "event-source-mapping:*")],
    // The provider reads a mapping's tags after creating it and on every refresh.
    read: ["lambda:GetEventSourceMapping", "lambda:ListTags"],
    manage: ["lambda:DeleteEventSourceMapping", "lambda:TagResource", "lambda:UntagResource", "lambda:UpdateEventSourceMapping"]
  },
  {
    sid: "Roles",
    resources: (scope) => [roles(scope)],
    read: ["iam:GetRole", "iam:GetRolePolicy", "iam:ListAttachedRolePolicies", "iam:ListRolePolicies", "iam:ListRoleTags"],
    // Granting permissions (creating a role, writing its policy) is BoundedRoles' (deployPolicy).
    manage: ["iam:DeleteRole", "iam:ListInstanceProfilesForRole", "iam:DeleteRolePolicy", "iam:TagRole", "iam:UntagRole", "iam:UpdateAssumeRolePolicy", "iam:UpdateRole", "iam:UpdateRoleDescription"]
  },
  {
    sid: "LogGroups",
    resources: logGroups,
    read: ["logs:DescribeMetricFilters", "logs:ListTagsForResource", "logs:ListTagsLogGroup"],
    manage: [
      "logs:CreateLogGroup", "logs:DeleteLogGroup", "logs:DeleteMetricFilter", "logs:DeleteRetentionPolicy",
      "logs:PutMetricFilter", "logs:PutRetentionPolicy", "logs:TagLogGroup", "logs:TagResource", "logs:UntagLogGroup",
      "logs:UntagResource"
    ]
  },
  {
    sid: "Alarms",
    resources: (scope) => [arn("cloudwatch", scope, `alarm:${scope.namePrefix}*`)],
    read: ["cloudwatch:DescribeAlarms", "cloudwatch:ListTagsForResource"],
    manage: ["cloudwatch:DeleteAlarms", "cloudwatch:PutMetricAlarm", "cloudwatch:TagResource", "cloudwatch:UntagResource"]
  },
  {
    sid: "Dashboards",
    resources: ({ account, namePrefix }) => [`arn:aws:cloudwatch::${account}:dashboard/${namePrefix}*`],
    read: ["cloudwatch:GetDashboard"],
    manage: ["cloudwatch:DeleteDashboards", "cloudwatch:PutDashboard"]
  },
  {
    sid: "ScheduleRules",
    resources: (scope) => [arn("events", scope, `rule/${scope.namePrefix}*`)],
    read: ["events:DescribeRule", "events:ListTagsForResource", "events:ListTargetsByRule"],
    manage: ["events:DeleteRule", "events:PutRule", "events:PutTargets", "events:RemoveTargets", "events:TagResource", "events:UntagResource"]
  },
  {
    // The catalog itself only as Glue's second check: its databases stay out of reach by name.
    sid: "GlueCatalog",
    resources: (scope) => [arn("glue", scope, "catalog")],
    read: GLUE_READ,
    manage: GLUE_MANAGE
  },
  {
    // Deleting a database is asked on its tables and functions too.
    sid: "GlueDatabases",
    resources: (scope) => ["database/", "table/", "userDefinedFunction/"].map((kind) =>
      arn("glue", scope, `${kind}${glueNameOf(scope.namePrefix)}*${kind === "database/" ? "" : "/*"}`)
    ),
    read: [...GLUE_READ, "glue:GetTags"],
    manage: [...GLUE_MANAGE, "glue:TagResource", "glue:UntagResource"]
  },
  {
    // A saved query is authorized on its workgroup.
    sid: "Workgroups",
    resources: (scope) => [arn("athena", scope, `workgroup/${scope.namePrefix}*`)],
    read: ["athena:GetNamedQuery", "athena:GetWorkGroup", "athena:ListTagsForResource"],
    manage: [
      "athena:CreateNamedQuery", "athena:CreateWorkGroup", "athena:DeleteNamedQuery", "athena:DeleteWorkGroup", "athena:TagResource",
      "athena:UntagResource", "athena:UpdateWorkGroup"
    ]
  },
  {
    // The analysts' managed policy. Attaching it to anyone is an administrator's act (docs/ci-roles.md).
    sid: "AnalystPolicies",
    resources: ({ account, namePrefix }) => [`arn:aws:iam::${account}:policy/${namePrefix}*`],
    read: ["iam:GetPolicy", "iam:GetPolicyVersion"],
    manage: [
      "iam:CreatePolicy", "iam:CreatePolicyVersion", "iam:DeletePolicy", "iam:DeletePolicyVersion", "iam:ListPolicyVersions",
      "iam:SetDefaultPolicyVersion", "iam:TagPolicy", "iam:UntagPolicy"
    ]
  },
  {
    sid: "AlarmTopics",
    resources: (scope) => [arn("sns", scope, `${scope.namePrefix}*`), arn("sns", scope, `${scope.namePrefix}*:*`)],
    read: ["sns:GetSubscriptionAttributes", "sns:GetTopicAttributes", "sns:ListSubscriptionsByTopic", "sns:ListTagsForResource"],
    manage: [
      "sns:CreateTopic", "sns:DeleteTopic", "sns:SetSubscriptionAttributes", "sns:SetTopicAttributes", "sns:Subscribe",
      "sns:TagResource", "sns:Unsubscribe", "sns:UntagResource"
    ]
  }
]

/** The boundaries and the GitHub roles are named outside the prefix the deploy role manages. */
export const functionBoundaryName = (namePrefix: string) => `github-${namePrefix}function-boundary`
export const analystBoundaryName = (namePrefix: string) => `github-${namePrefix}analyst-boundary`
export const githubRoleName = (namePrefix: string, role: "deploy" | "preview") => `github-${namePrefix}${role}`
export const functionBoundaryArn = ({ account, namePrefix }: Scope) => `arn:aws:iam::${account}:policy/${functionBoundaryName(namePrefix)}`
export const analystBoundaryArn = ({ account, namePrefix }: Scope) => `arn:aws:iam::${account}:policy/${analystBoundaryName(namePrefix)}`

/**
 * The permissions boundary every role the deploy role creates must carry: what the
 * pipeline's functions do (infra/accessPolicies.ts), on the pipeline's own buckets, queues
 * and log groups. Their own policies narrow it further; this caps what a changed program could grant.
 */
export const functionBoundary = (scope: Scope) => policy(
  // Their data, never their settings: no bucket policy, no deleting a bucket or a queue.
  allow("PipelineObjects", ["s3:AbortMultipartUpload", "s3:DeleteObject*", "s3:GetObject*", "s3:ListBucket*", "s3:ListMultipartUploadParts", "s3:PutObject"], buckets(scope)),
  allow(
    "PipelineMessages",
    ["sqs:ChangeMessageVisibility", "sqs:DeleteMessage", "sqs:GetQueueAttributes", "sqs:ReceiveMessage", "sqs:SendMessage"],
    [arn("sqs", scope, `${scope.namePrefix}*`)]
  ),
  allow("PipelineLogs", ["logs:CreateLogStream", "logs:PutLogEvents"], logGroups(scope)),
  bucketKeyThroughS3(scope)
)

/**
 * The most the analyst policy can ever give a person who carries this boundary, whatever a
 * deploy writes into that policy (IAM cannot condition creating a policy on its content):
 * query the pipeline's workgroups, read its catalog and its objects, write Athena's results.
 */
export const analystBoundary = (scope: Scope) => {
  const glue = glueNameOf(scope.namePrefix)
  return policy(
    allow(
      "QueryPipelineWorkgroups",
      ["athena:BatchGet*", "athena:Get*", "athena:List*", "athena:StartQueryExecution", "athena:StopQueryExecution"],
      [arn("athena", scope, `workgroup/${scope.namePrefix}*`)]
    ),
    allow(
      "ReadPipelineCatalog",
      ["glue:GetDatabase", "glue:GetPartition", "glue:GetPartitions", "glue:GetTable", "glue:GetTables"],
      [arn("glue", scope, "catalog"), arn("glue", scope, `database/${glue}*`), arn("glue", scope, `table/${glue}*/*`)]
    ),
    allow("ReadPipelineObjects", ["s3:GetBucketLocation", "s3:GetObject", "s3:ListBucket"], buckets(scope)),
    allow("WriteQueryResults", ["s3:AbortMultipartUpload", "s3:ListMultipartUploadParts", "s3:PutObject"], [
      `arn:aws:s3:::${scope.namePrefix}*/${ATHENA_RESULTS_PREFIX}*`
    ]),
    bucketKeyThroughS3(scope)
  )
}

/** Listing calls that IAM authorizes on "*" only. */
const listAny = allow("ListAny", ["lambda:ListEventSourceMappings", "logs:DescribeLogGroups"], ["*"])

/** The Pulumi state of a self-managed backend: read it all; write all (deploy) or only the lock (preview). */
const stateStatements = ({ stateBucket }: Scope, writes: "all" | "locks") =>
  stateBucket === undefined ? [] : [
    allow("ReadPulumiState", ["s3:GetObject", "s3:ListBucket"], [`arn:aws:s3:::${stateBucket}`, `arn:aws:s3:::${stateBucket}/*`]),
    writes === "all"
      ? allow("WritePulumiState", ["s3:DeleteObject", "s3:PutObject"], [`arn:aws:s3:::${stateBucket}/*`])
      : allow("TakePulumiLock", ["s3:DeleteObject", "s3:PutObject"], [`arn:aws:s3:::${stateBucket}/.pulumi/locks/*`])
  ]

/** `pulumi preview` (and `--refresh`): read the pipeline's resource settings, never its data. */
export const previewPolicy = (scope: Scope) => policy(
  ...KINDS.filter((kind) => kind.read.length > 0).map((kind) => allow(`Read${kind.sid}`, kind.read, kind.resources(scope))),
  listAny,
  ...stateStatements(scope, "locks")
)

/** `pulumi up` and `pulumi destroy` of the pipeline's stacks. */
export const deployPolicy = (scope: Scope) => policy(
  ...KINDS.map((kind) => allow(`Manage${kind.sid}`, [...kind.read, ...kind.manage], kind.resources(scope))),
  // Creating a role or granting it anything only with the boundary on it; never removing or rewriting a boundary.
  allow("BoundedRoles", ["iam:CreateRole", "iam:PutRolePermissionsBoundary", "iam:PutRolePolicy"], [roles(scope)], {
    StringEquals: { "iam:PermissionsBoundary": functionBoundaryArn(scope) }
  }),
  {
    Sid: "KeepTheBoundary",
    Effect: "Deny",
    Action: ["iam:CreatePolicyVersion", "iam:DeletePolicy", "iam:DeletePolicyVersion", "iam:DeleteRolePermissionsBoundary", "iam:SetDefaultPolicyVersion"],
    Resource: [functionBoundaryArn(scope), analystBoundaryArn(scope), `arn:aws:iam::${scope.account}:role/*`]
  },
  allow("CreateEventSourceMappingsForOwnFunctions", ["lambda:CreateEventSourceMapping"], ["*"], {
    ArnLike: { "lambda:FunctionArn": arn("lambda", scope, `function:${scope.namePrefix}*`) }
  }),
  // The functions' roles go to Lambda, and to nothing else.
  allow("PassOwnRolesToLambda", ["iam:PassRole"], [roles(scope)], { StringEquals: { "iam:PassedToService": "lambda.amazonaws.com" } }),
  listAny,
  ...stateStatements(scope, "all")
)
