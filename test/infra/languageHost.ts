/**
 * Runs a Pulumi program as Pulumi's Node language host does — no vitest, no vite: this
 * file runs in a plain `node` started with Pulumi.yaml's `nodeargs`, from the project root,
 * with the stack's configuration in PULUMI_CONFIG, and `import()`s the program (the host
 * imports an ES module program; `typescript: false`, so Node strips the types itself).
 * The engine is replaced by `pulumi.runtime.setMocks`.
 *
 *   node <nodeargs> test/infra/languageHost.ts <program> <project> <stack>
 *
 * Prints `{"resources": [{type, name}], "outputs": {…}}` on stdout; a program that fails
 * to load or run prints its error on stderr and exits 1.
 */
import * as pulumi from "@pulumi/pulumi"
import { resolve } from "node:path"
import { pathToFileURL } from "node:url"

const [program = "index.ts", project = "bls-quest", stack = "dev"] = process.argv.slice(2)

const resources: Array<{ type: string; name: string }> = []
await pulumi.runtime.setMocks({
  newResource: ({ type, name, inputs }) => {
    resources.push({ type, name })
    const physical = inputs["name"] ?? inputs["bucket"] ?? `${name}-0a1b2c3`
    return { id: `${name}-id`, state: { ...inputs, name: physical, arn: `arn:aws:mock:::${type}/${name}`, url: `https://mock/${name}` } }
  },
  call: ({ token, inputs }) => {
    if (token === "aws:index/getCallerIdentity:getCallerIdentity") return { accountId: "123456789012", id: "123456789012" }
    if (token === "aws:index/getRegion:getRegion") return { region: "us-east-1", name: "us-east-1", id: "us-east-1" }
    return inputs
  }
}, project, stack, false)

try {
  const exports = await import(pathToFileURL(resolve(program)).href) as Record<string, unknown>
  const outputs: Record<string, unknown> = {}
  for (const [key, value] of Object.entries(exports)) {
    outputs[key] = pulumi.Output.isInstance(value) ? await new Promise((done) => value.apply(done)) : value
  }
  await (pulumi.runtime as unknown as { waitForRPCs: () => Promise<void> }).waitForRPCs()
  process.stdout.write(JSON.stringify({ resources, outputs }))
} catch (error) {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`)
  process.exitCode = 1
}
