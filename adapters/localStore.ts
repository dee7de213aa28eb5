/**
 * The object store as a local folder: each key a file under the root, its content type and
 * metadata in a JSON sidecar `<root>/.quest-meta/<key>`. Names starting with `.quest-` are the
 * store's own (sidecars, temp files): never listed, refused as keys. A put writes a temp file
 * and renames it into place. A sidecar records the size, time and sha256 of its file, never
 * the inode: a copy that keeps the bytes (`cp -a`, `tar`, a restore) is the same store, and a
 * file replaced or edited by hand loses its metadata.
 */
import { createHash, randomUUID } from "node:crypto"
import { createReadStream } from "node:fs"
import * as fs from "node:fs/promises"
import * as path from "node:path"
import * as Layer from "effect/Layer"
import type { Body, ListedObject, ObjectStoreShape, PutOptions, StoredObject } from "../domain/store/ObjectStore.ts"
import { enforceMetadataRules } from "../domain/store/metadataRules.ts"
import { ObjectStore } from "../domain/store/ObjectStore.ts"
import { lengthChecked } from "../domain/store/lengthChecked.ts"
import { messageOf, StoreFailure, storeTask } from "../domain/store/storeTask.ts"

const reservedPrefix = ".quest-"
const metaFolder = `${reservedPrefix}meta`
const tempPrefix = `${reservedPrefix}tmp-`

/** A sidecar: the object's content type and metadata, and the identity of the file they describe. */
interface Sidecar extends Pick<StoredObject, "contentType" | "metadata" | "size"> {
  readonly mtimeMs: number
  readonly sha256: string
}

const errnoCode = (cause: unknown) => String((cause as { code?: unknown } | undefined)?.code ?? "")

/** Undefined when `cause` says there is no file there (a folder is not an object either). */
const unlessAbsent = (cause: unknown): undefined => {
  if (!["ENOENT", "ENOTDIR", "EISDIR"].includes(errnoCode(cause))) throw cause
}

const denied = "permission denied; check the folder's owner and mode"
const clash = `a file and a folder want the same name; a local store cannot hold both "a" and "a/b"`
const denoDenied = "Deno was not granted this path; run it as `deno task quest`, which grants the store folder, " +
  "or grant --allow-read and --allow-write for the store"
/** What a file system failure means, by its errno code or (Deno refusing a path it was not granted) its name. */
const hints: Record<string, string> = {
  EACCES: denied, EPERM: denied, EEXIST: clash, ENOTDIR: clash, EISDIR: clash, ENOSPC: "the disk is full",
  EROFS: "the file system is read-only; point QUEST_STORE at a writable folder", NotCapable: denoDenied, PermissionDenied: denoDenied
}

const detailOf = (cause: unknown): string => {
  const hint = hints[cause instanceof Error ? cause.name : ""] ?? hints[errnoCode(cause)]
  return hint === undefined ? messageOf(cause) : `${hint} (${messageOf(cause)})`
}

/** A file's size and time: a put renames a new file in, so it changes with every write. */
const etagOf = (stats: { size: number; mtimeMs: number }) => `"${stats.size.toString(16)}-${stats.mtimeMs.toString(16)}"`

const sha256Of = async (file: string) => {
  const hash = createHash("sha256")
  for await (const chunk of createReadStream(file)) hash.update(chunk as Uint8Array)
  return hash.digest("hex")
}

const removeQuietly = (file: string) => fs.rm(file, { force: true }).catch(() => undefined)

/** A fresh temp file name beside `file`, whose folder is made if missing. */
const tempBeside = async (file: string) => {
  await fs.mkdir(path.dirname(file), { recursive: true })
  return path.join(path.dirname(file), `${tempPrefix}${randomUUID()}`)
}

/** An open file in 256 KB reads (readableWebStream's 16 KB reads are several times slower), closed at its end. */
const fileStream = (file: fs.FileHandle) =>
  new ReadableStream<Uint8Array>({
    async pull(controller) {
      const { buffer, bytesRead } = await file.read(new Uint8Array(256 * 1024), 0, 256 * 1024, null)
        .catch(async (cause: unknown) => { await file.close(); throw cause })
      if (bytesRead > 0) return controller.enqueue(buffer.subarray(0, bytesRead))
      await file.close()
      controller.close()
    },
    cancel: () => file.close().catch(() => undefined)
  })

/**
 * Writes `body` to `file`, checking its length, and returns its sha256, taken on the way (no
 * second read); a stream body is cancelled when `signal` aborts.
 */
const writeBody = async (file: string, body: Body, contentLength: number | undefined, signal: AbortSignal) => {
  const handle = await fs.open(file, "wx")
  const hash = createHash("sha256")
  try {
    const stream = body instanceof ReadableStream ? body : new Blob([body as BlobPart]).stream()
    await (contentLength === undefined ? stream : lengthChecked(stream, contentLength)).pipeTo(new WritableStream({
      write: async (chunk) => {
        hash.update(chunk)
        await handle.write(chunk)
      }
    }), { signal })
  } finally {
    await handle.close()
  }
  return hash.digest("hex")
}

export const makeLocalStore = (root: string): ObjectStoreShape => {
  const absoluteRoot = path.resolve(root)
  const location = root

  /** Refuses a key or prefix that could leave the root or clash with the store's own names. */
  const segmentsOf = (keyOrFolder: string, what: string): ReadonlyArray<string> => {
    const segments = keyOrFolder.split("/")
    const why = segments.some((segment) => ["", ".", ".."].includes(segment) || /[\0\\]/.test(segment))
      ? `a local store needs non-empty "/"-separated names without ".", "..", "\\" or NUL, and no leading or trailing "/"`
      : segments.some((segment) => segment.startsWith(reservedPrefix))
      ? `names starting with "${reservedPrefix}" are the store's own`
      : undefined
    if (why !== undefined) throw new StoreFailure(`"${keyOrFolder}" is not a usable ${what}: ${why}`)
    return segments
  }

  const pathsOf = (key: string) => {
    const segments = segmentsOf(key, "key")
    return { data: path.join(absoluteRoot, ...segments), meta: path.join(absoluteRoot, metaFolder, ...segments) }
  }

  /** The files under `folder` whose path from the root is `wanted`, with their stats; none when it is missing. */
  const filesUnder = async (folder: string, wanted: (key: string) => boolean) => {
    const files = ((await fs.readdir(folder, { recursive: true, withFileTypes: true }).catch(unlessAbsent)) ?? [])
      .filter((entry) => entry.isFile())
      .map(({ name, parentPath }) => path.join(parentPath, name))
      .map((full) => ({ full, key: path.relative(absoluteRoot, full).split(path.sep).join("/") }))
      .filter(({ key }) => wanted(key))
    // A file removed since the listing is simply gone.
    const found = await Promise.all(files.map(async (file) => ({ ...file, stats: await fs.stat(file.full).catch(unlessAbsent) })))
    return found.flatMap(({ stats, ...file }) => stats === undefined ? [] : [{ ...file, stats }])
  }

  /** The object at `key`, described by its sidecar only while the sidecar matches the file. */
  const describe = async (key: string, stats: { size: number; mtimeMs: number; mtime: Date }) => {
    const paths = pathsOf(key)
    // A missing or torn sidecar describes nothing.
    const sidecar = await fs.readFile(paths.meta, "utf8").then((text) => JSON.parse(text) as Sidecar)
      .catch((cause: unknown) => cause instanceof SyntaxError ? undefined : unlessAbsent(cause))
    const valid = sidecar !== undefined && sidecar.size === stats.size &&
      (sidecar.mtimeMs === stats.mtimeMs || sidecar.sha256 === await sha256Of(paths.data))
    const { contentType, metadata } = valid ? sidecar : { contentType: undefined, metadata: {} }
    return { key, size: stats.size, etag: etagOf(stats), contentType, metadata: { ...metadata }, lastModified: stats.mtime }
  }

  const head = async (key: string) => {
    const stats = await fs.stat(pathsOf(key).data).catch(unlessAbsent)
    return stats?.isFile() ? describe(key, stats) : undefined
  }

  const get = async (key: string) => {
    const file = await fs.open(pathsOf(key).data, "r").catch(unlessAbsent)
    if (file === undefined) return undefined
    // The open file's stats: a concurrent put renames a new file in, but this one stays whole.
    const object = await file.stat().then((stats) => stats.isFile() ? describe(key, stats) : undefined)
      .catch(async (cause: unknown) => { await file.close(); throw cause })
    if (object === undefined) return void await file.close()
    return { object, body: fileStream(file) }
  }

  /**
   * Fills a temp file beside the key's file and renames it in, then its sidecar: data first,
   * so a crash in between leaves a stale sidecar, which the new file's identity disowns.
   * `fill` returns the file's sha256 when it took it on the way; otherwise the file is read.
   */
  const replace = async (key: string, options: PutOptions, fill: (temp: string) => Promise<string | void>) => {
    const paths = pathsOf(key)
    const [temp, metaTemp] = await Promise.all([tempBeside(paths.data), tempBeside(paths.meta)])
    try {
      const sha256 = (await fill(temp)) ?? await sha256Of(temp)
      const { mtimeMs, size } = await fs.stat(temp)
      const sidecar: Sidecar = { contentType: options.contentType, metadata: { ...options.metadata }, size, mtimeMs, sha256 }
      await fs.writeFile(metaTemp, JSON.stringify(sidecar), { flag: "wx" })
      await fs.rename(temp, paths.data)
      await fs.rename(metaTemp, paths.meta)
      return { etag: etagOf({ mtimeMs, size }) }
    } catch (cause) {
      await Promise.all([removeQuietly(temp), removeQuietly(metaTemp)])
      throw cause
    }
  }

  const copy = async (from: string, to: string, options: PutOptions) => {
    const source = await head(from)
    if (source === undefined) throw new StoreFailure(`there is no object "${from}" to copy`)
    const target = { ...options, contentType: options.contentType ?? source.contentType }
    await replace(to, target, (temp) => fs.copyFile(pathsOf(from).data, temp, fs.constants.COPYFILE_EXCL))
  }

  const list = async (prefix: string): Promise<ReadonlyArray<ListedObject>> => {
    const folder = prefix.slice(0, prefix.lastIndexOf("/") + 1)
    const under = path.join(absoluteRoot, ...(folder === "" ? [] : segmentsOf(folder.slice(0, -1), "prefix")))
    const found = await filesUnder(under, (key) => key.startsWith(prefix) && !key.split("/").some((name) => name.startsWith(reservedPrefix)))
    return found.map(({ key, stats }) => ({ key, size: stats.size, etag: etagOf(stats) })).sort((a, b) => (a.key < b.key ? -1 : 1))
  }

  /** Temp files (data and sidecars) of writes that never finished, anywhere under the root. */
  const sweepLeftovers = async (olderThan: Date) => {
    const leftovers = (await filesUnder(absoluteRoot, (key) => key.split("/").at(-1)!.startsWith(tempPrefix)))
      .filter(({ stats }) => stats.mtime < olderThan)
    await Promise.all(leftovers.map(({ full }) => removeQuietly(full)))
    return leftovers.map(({ key }) => key).sort()
  }

  /**
   * The root is a writable folder (created if only it is missing), or says why not. Only the root
   * is touched: Deno may refuse a look at its parent, and a refusal must not read as absence.
   */
  const checkWritable = async () => {
    try {
      await fs.mkdir(absoluteRoot)
    } catch (cause) {
      const parent = path.dirname(absoluteRoot)
      if (errnoCode(cause) === "ENOENT") {
        throw new StoreFailure(`the folder ${absoluteRoot} does not exist, nor does its parent ${parent}; create it or set QUEST_STORE`)
      }
      if (errnoCode(cause) !== "EEXIST") throw cause
      if (!(await fs.stat(absoluteRoot)).isDirectory()) throw new StoreFailure(`${absoluteRoot} is a file, not a folder; set QUEST_STORE to a folder`)
    }
    const probe = path.join(absoluteRoot, `${tempPrefix}probe-${randomUUID()}`)
    await fs.writeFile(probe, "", { flag: "wx" })
    await removeQuietly(probe)
  }

  const run = <A>(operation: string, key: string, task: (signal: AbortSignal) => Promise<A>) =>
    storeTask({ location, operation, key, detailOf }, task)

  return enforceMetadataRules({
    location,
    checkWritable: () => run("write to", "", checkWritable),
    sweepLeftovers: (olderThan) => run("sweep", "", () => sweepLeftovers(olderThan)),
    list: (prefix) => run("list", prefix, () => list(prefix)),
    head: (key) => run("head", key, () => head(key)),
    get: (key) => run("get", key, () => get(key)),
    put: (key, body, options = {}) =>
      run("put", key, (signal) => replace(key, options, (temp) => writeBody(temp, body, options.contentLength, signal))),
    copy: (from, to, options) => run("copy", `${from} → ${to}`, () => copy(from, to, options)),
    // Data first: a crash in between leaves an orphan sidecar, which describes nothing.
    delete: (key) =>
      run("delete", key, async () => {
        for (const file of Object.values(pathsOf(key))) await fs.unlink(file).catch(unlessAbsent)
      })
  })
}

export const localStoreLayer = (root: string): Layer.Layer<ObjectStore> =>
  Layer.sync(ObjectStore, () => makeLocalStore(root))
