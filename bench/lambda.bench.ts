/**
 * The Lambda archives' cold-start budget: each function's code archive as the dev stack
 * declares it (Pulumi mocks, the same path as test/infra/lambdaArchive.test.ts), its zipped
 * size, and the time a fresh Node takes to load its module — confined to the archive as on
 * Lambda. The least of the loads is the module's own cost; the median shows the spread.
 *
 * Options: `--load-runs N` (default 15).
 */
import { coldLoadMs, unpackArchive, zipFolder } from "../test/infra/lambdaArchive.ts"
import { declareStack } from "../test/infra/mockStack.ts"
import { option } from "./options.ts"
import type { BenchCase, Benchmark } from "./run.ts"

/** Budgets of issue 4, also asserted by the archive test. */
const MAX_ZIPPED_KB = 1024
const MAX_LOAD_MS = 150

const benchmark: Benchmark = {
  name: "lambda archives",
  run: async (args) => {
    const runs = option(args, "--load-runs", 15)
    const stack = await declareStack("dev")
    const cases: Array<BenchCase> = []
    for (const name of ["ingest", "analytics"]) {
      const declared = stack.one("aws:lambda/function:Function", name)
      const sandbox = await unpackArchive(declared.inputs["code"])
      try {
        const zipped = zipFolder(sandbox.taskRoot).byteLength / 1024
        const load = await coldLoadMs(sandbox, declared.inputs["handler"], { runs })
        cases.push({
          case: name,
          measurements: [
            { name: "archive, zipped", value: zipped, unit: "KB", decimals: 0, target: { below: MAX_ZIPPED_KB } },
            { name: "module load, least", value: load.least, unit: "ms", target: { below: MAX_LOAD_MS } },
            { name: `module load, median of ${runs}`, value: load.median, unit: "ms" },
            { name: "module load, CPU time (least)", value: load.leastCpu, unit: "ms" }
          ]
        })
      } finally {
        sandbox.remove()
      }
    }
    return cases
  }
}

export default benchmark
