/**
 * The benchmarks' stores: local folders holding the population fixture and a BLS file as
 * the mirror leaves it (its sha256 recorded in its metadata). Kept in `.bench/` (gitignored)
 * and reused while their recipe is unchanged, so only the first `npm run bench` writes them.
 *
 * - `fixture`: the real 1.6 MB file (282 series).
 * - `copies`: ≥ N MB of copies of the fixture's rows, every copy with its own series ids
 *   (`PRS30006011` → `PRS30006011X1A`): about 90 k series in 500 MB.
 */
import { createHash } from "node:crypto"
import { closeSync, createReadStream, existsSync, mkdirSync, openSync, readFileSync, renameSync, writeFileSync, writeSync } from "node:fs"
import * as path from "node:path"
import * as Effect from "effect/Effect"
import { makeLocalStore } from "../adapters/localStore.ts"
import { projectRoot } from "./wholeProcess.ts"

export const benchDir = path.join(projectRoot, ".bench")
const fixtures = path.join(projectRoot, "test", "fixtures")
const fixtureBls = path.join(fixtures, "bls", "pr", "pr.data.0.Current")
const blsKey = ["bls", "pr", "pr.data.0.Current"]
const populationKey = ["population", "population.json"]

export const MB = 1e6

export const blsFileOf = (store: string) => path.join(store, ...blsKey)

/** A store folder with the population fixture and a BLS file written by `writeBls`, its sha256 recorded. */
const prepare = async (root: string, recipe: string, writeBls: (file: string) => void): Promise<string> => {
  const marker = path.join(root, ".recipe.json")
  if (existsSync(marker) && readFileSync(marker, "utf8") === recipe) return root
  const bls = blsFileOf(root)
  mkdirSync(path.dirname(bls), { recursive: true })
  mkdirSync(path.join(root, populationKey[0]!), { recursive: true })
  writeFileSync(
    path.join(root, ...populationKey),
    readFileSync(path.join(fixtures, "datausa", "nation-population.tesseract.json"))
  )
  const partial = bls + ".partial"
  writeBls(partial)
  renameSync(partial, bls)
  const hash = createHash("sha256")
  for await (const chunk of createReadStream(bls)) hash.update(chunk as Uint8Array)
  const key = blsKey.join("/")
  await Effect.runPromise(makeLocalStore(root).copy(key, key, { metadata: { sha256: hash.digest("hex") } }))
  writeFileSync(marker, recipe)
  return root
}

/**
 * Copies of the fixture's rows until `targetBytes`, copy k renaming every series, padded as
 * BLS pads. One copy at a time, so the generator's memory stays at one copy.
 */
const generate = (targetBytes: number) => (file: string) => {
  const text = readFileSync(fixtureBls, "latin1")
  const [header, ...lines] = text.split("\n").filter((line) => line !== "")
  const rows = lines.map((line) => {
    const tab = line.indexOf("\t")
    const id = line.slice(0, tab).trimEnd()
    return { id, rest: line.slice(tab) }
  })
  const fd = openSync(file, "w")
  try {
    let written = writeSync(fd, header + "\n")
    for (let copy = 0; written < targetBytes; copy++) {
      const suffix = copy === 0 ? "" : "X" + copy.toString(36).toUpperCase()
      const text = rows.map((row) => (row.id + suffix).padEnd(17) + row.rest + "\n").join("")
      written += writeSync(fd, text, null, "latin1")
    }
  } finally {
    closeSync(fd)
  }
}

export const fixtureStore = () =>
  prepare(path.join(benchDir, "reports-fixture"), "fixture v2", (file) => writeFileSync(file, readFileSync(fixtureBls)))

/** ~90 k series in `sizeMB`. */
export const copiesStore = (sizeMB: number) =>
  prepare(path.join(benchDir, "reports-large"), `large v2 ${sizeMB}`, generate(sizeMB * MB))
