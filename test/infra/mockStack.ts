/**
 * Runs the Pulumi program (index.ts) under `pulumi.runtime.setMocks` and hands back every
 * resource it declared, with the inputs the engine would receive — the Lambda code archives
 * included, as the AssetArchive Pulumi would zip and upload.
 *
 * The mocks answer like AWS would for what the program reads back: ARNs, names, URLs.
 */
import * as pulumi from "@pulumi/pulumi"
import { stackConfig } from "./stackConfig.ts"

export const ACCOUNT_ID = "123456789012"
export const REGION = "us-east-1"

export interface DeclaredResource {
  readonly type: string
  readonly name: string
  readonly inputs: Record<string, any>
  /** What the mock provider answered: the inputs plus ids, names and ARNs. */
  readonly state: Record<string, any>
  /** `type::name` of each resource named in the `dependsOn` option. */
  readonly dependsOn: ReadonlyArray<string>
  /** False for a component (a group of resources, not one in AWS). */
  readonly custom: boolean
  /** The `retainOnDelete` option: `pulumi destroy` forgets the resource but leaves it in AWS. */
  readonly retainOnDelete: boolean
}

export interface DeclaredStack {
  readonly resources: ReadonlyArray<DeclaredResource>
  /** The URN of every registration, in order: the engine refuses a program that repeats one. */
  readonly urns: ReadonlyArray<string>
  readonly outputs: Record<string, unknown>
  /** Every resource of a type (`aws:sqs/queue:Queue`). */
  readonly ofType: (type: string) => ReadonlyArray<DeclaredResource>
  /** The one resource of a type whose name ends with `suffix`; throws unless exactly one. */
  readonly one: (type: string, suffix?: string) => DeclaredResource
}

/** A physical name the way Pulumi's auto-naming makes one: the logical name + a suffix. */
const physical = (name: string) => `${name}-0a1b2c3`

/** What AWS computes for the attributes the program reads back. */
const computedState = (type: string, name: string, inputs: Record<string, any>): Record<string, any> => {
  const arn = (service: string, resource: string) => `arn:aws:${service}:${REGION}:${ACCOUNT_ID}:${resource}`
  switch (type) {
    case "aws:s3/bucket:Bucket": {
      const bucket = inputs["bucket"] ?? physical(name)
      return { bucket, arn: `arn:aws:s3:::${bucket}` }
    }
    case "aws:sqs/queue:Queue": {
      const queueName = inputs["name"] ?? physical(name)
      return { name: queueName, arn: arn("sqs", queueName), url: `https://sqs.${REGION}.amazonaws.com/${ACCOUNT_ID}/${queueName}` }
    }
    case "aws:cloudwatch/logGroup:LogGroup":
      return { arn: arn("logs", `log-group:${inputs["name"]}`) }
    case "aws:lambda/function:Function": {
      const functionName = inputs["name"] ?? physical(name)
      return { name: functionName, arn: arn("lambda", `function:${functionName}`) }
    }
    case "aws:iam/role:Role":
      return { name: physical(name), arn: `arn:aws:iam::${ACCOUNT_ID}:role/${physical(name)}` }
    case "aws:sns/topic:Topic":
      return { name: physical(name), arn: arn("sns", physical(name)) }
    case "aws:cloudwatch/eventRule:EventRule":
      return { name: physical(name), arn: arn("events", `rule/${physical(name)}`) }
    case "aws:cloudwatch/metricAlarm:MetricAlarm":
      return { arn: arn("cloudwatch", `alarm:${physical(name)}`) }
    case "aws:athena/workgroup:Workgroup":
      return { arn: arn("athena", `workgroup/${inputs["name"]}`) }
    case "aws:iam/policy:Policy":
      return { arn: `arn:aws:iam::${ACCOUNT_ID}:policy/${physical(name)}` }
    default:
      return { arn: arn("mock", `${type}/${name}`) }
  }
}

/** `type::name` of a resource, read from its URN (`urn:pulumi:stack::project::type::name`). */
const nameOf = (urn: string) => {
  const [, , type = "", name = ""] = urn.split("::")
  return `${type.split("$").pop()}::${name}`
}

interface RegisterRequest {
  getType(): string
  getName(): string
  getRetainondelete(): boolean | undefined
  getDependenciesList(): Array<string>
  getPropertydependenciesMap(): { forEach(f: (deps: { getUrnsList(): Array<string> }) => void): void }
}

/**
 * The mocks are not told about `dependsOn`. The registration request is: its dependencies
 * are the resources named in `dependsOn` plus those its inputs come from, so the ones no
 * input comes from were named in `dependsOn`.
 */
interface Registration {
  readonly dependsOn: ReadonlyArray<string>
  readonly retainOnDelete: boolean
}

const recordRegistrations = (into: Map<string, Registration>, urns: Array<string>) => {
  const monitor = (pulumi.runtime as unknown as { getMonitor(): any }).getMonitor()
  const register = monitor.registerResource.bind(monitor)
  monitor.registerResource = (req: RegisterRequest, callback: (error: unknown, response?: { getUrn(): string }) => void) => {
    const fromInputs = new Set<string>()
    req.getPropertydependenciesMap().forEach((deps) => deps.getUrnsList().forEach((urn) => fromInputs.add(urn)))
    const explicit = req.getDependenciesList().filter((urn) => !fromInputs.has(urn)).map(nameOf)
    into.set(`${req.getType()}::${req.getName()}`, { dependsOn: explicit, retainOnDelete: req.getRetainondelete() === true })
    return register(req, (error: unknown, response?: { getUrn(): string }) => {
      if (response !== undefined) urns.push(response.getUrn())
      callback(error, response)
    })
  }
}

let declarations = 0

const settled = <T>(output: pulumi.Output<T>) => new Promise<T>((resolve) => output.apply(resolve))

/**
 * Declares the stack `stack` (its Pulumi.<stack>.yaml, plus the tests' contact) with `overrides` on top. Each call
 * evaluates the program (index.ts unless told) afresh, so one test file may declare several variants.
 */
export const declareStack = async (
  stack = "dev",
  overrides: Record<string, string | undefined> = {},
  program = new URL("../../index.ts", import.meta.url)
): Promise<DeclaredStack> => {
  const resources: Array<DeclaredResource> = []
  const urns: Array<string> = []
  const registrations = new Map<string, Registration>()
  pulumi.runtime.setAllConfig(stackConfig(stack, overrides))
  await pulumi.runtime.setMocks({
    newResource: ({ type, name, inputs, custom }) => {
      const state = { ...inputs, ...computedState(type, name, inputs) }
      const { dependsOn = [], retainOnDelete = false } = registrations.get(`${type}::${name}`) ?? {}
      resources.push({ type, name, inputs, state, custom: custom ?? true, dependsOn, retainOnDelete })
      // As AWS names them: a bucket by its name, a queue by its URL, a role by its name.
      return { id: state["bucket"] ?? state["url"] ?? (type === "aws:iam/role:Role" ? state["name"] : `${name}-id`), state }
    },
    call: ({ token, inputs }) =>
      token === "aws:index/getCallerIdentity:getCallerIdentity"
        ? { accountId: ACCOUNT_ID, arn: `arn:aws:iam::${ACCOUNT_ID}:user/tester`, userId: "AIDATESTER", id: ACCOUNT_ID }
        : inputs
  }, "bls-quest", stack, false)
  recordRegistrations(registrations, urns)

  // A query makes a new instance of the program module, so each call runs it afresh.
  const entry = `${program.href}?declaration=${++declarations}`
  const exports = await import(/* @vite-ignore */ entry) as Record<string, unknown>
  const outputs: Record<string, unknown> = {}
  for (const [key, value] of Object.entries(exports)) {
    outputs[key] = pulumi.Output.isInstance(value) ? await settled(value) : value
  }
  // Registrations (and the serialization of the Lambda code) finish after the module ran.
  await (pulumi.runtime as unknown as { waitForRPCs: () => Promise<void> }).waitForRPCs()

  const ofType = (type: string) => resources.filter((resource) => resource.type === type)
  const one = (type: string, suffix = "") => {
    const found = ofType(type).filter((resource) => resource.name.endsWith(suffix))
    if (found.length !== 1) {
      throw new Error(`expected one ${type} named …${suffix}, found ${found.map((r) => r.name).join(", ") || "none"}`)
    }
    return found[0]!
  }
  return { resources, urns, outputs, ofType, one }
}
