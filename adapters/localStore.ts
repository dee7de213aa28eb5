/**
 * The object store as a local folder: each key is a file under the root, so the folder
 * reads like the mirror it holds. Content type and user metadata live in a hidden sidecar
 * tree `<root>/.quest-meta/<key>` (JSON), which mirrors the data tree so it can only
 * collide where the data itself would.
 *
 * Names whose segment starts with `.quest-` are the store's own (sidecars, temp files):
 * never listed, and refused as keys.
 *
 * Atomic `put`: the body goes to a temp file beside its target and is renamed into place
 * once complete. A sidecar records the identity of the data file it describes — size,
 * modification time and sha256, never the inode, so a copy that keeps bytes and times
 * (`cp -a`, `rsync -a`, `tar`, a backup restore) is the same store; a sidecar that does
 * not match its file (a crash between the two renames, a file edited by hand) is ignored,
 * so metadata never vouches for other bytes. A time that matches only to the second (tar
 * and some filesystems keep no finer) is confirmed by the hash.
 */
import { createHash, randomUUID } from "node:crypto"
import { createReadStream } from "node:fs"
import * as fs from "node:fs/promises"
import * as path from "node:path"
import * as Layer from "effect/Layer"
import type { Body, ListedObject, Metadata, ObjectStoreShape, PutOptions, StoredObject } from "../domain/store/ObjectStore.ts"
import { enforceMetadataRules } from "../domain/store/metadataRules.ts"
import { ObjectStore } from "../domain/store/ObjectStore.ts"
import { StoreFailure, storeTask } from "../domain/store/storeTask.ts"

const reservedPrefix = ".quest-"
const metaFolder = `${reservedPrefix}meta`
const tempPrefix = `${reservedPrefix}tmp-`
const readChunkBytes = 256 * 1024

interface Sidecar {
  readonly contentType?: string | undefined
  readonly metadata: Metadata
  /** Identity of the data file this sidecar describes. */
  readonly size: number
  readonly mtimeMs: number
  readonly sha256: string
}

interface FileTimes {
  readonly size: number
  readonly mtimeMs: number
}

const errnoCode = (cause: unknown): string | undefined =>
  typeof cause === "object" && cause !== null && "code" in cause && typeof cause.code === "string"
    ? cause.code
    : undefined

const isMissing = (cause: unknown) => {
  const code = errnoCode(cause)
  return code === "ENOENT" || code === "ENOTDIR"
}

/** Deno refuses a path it was not granted with an error of its own, not an errno. */
const isDenoDenial = (cause: unknown) =>
  cause instanceof Error && (cause.name === "NotCapable" || cause.name === "PermissionDenied")

const detailOf = (cause: unknown): string => {
  const text = cause instanceof Error ? cause.message : String(cause)
  if (isDenoDenial(cause)) {
    return `Deno was not granted this path (${text}); run it as \`deno task quest\`, which grants the store folder, ` +
      `or grant --allow-read and --allow-write for the store`
  }
  switch (errnoCode(cause)) {
    case "EACCES":
    case "EPERM":
      return `permission denied (${text}); check the folder's owner and mode`
    case "ENOSPC":
      return `the disk is full (${text})`
    case "EROFS":
      return `the file system is read-only (${text}); point QUEST_STORE at a writable folder`
    case "EEXIST":
    case "ENOTDIR":
    case "EISDIR":
      return `a file and a folder want the same name (${text}); ` +
        `a local store cannot hold both "a" and "a/b"`
    default:
      return text
  }
}

/** A file's size and time: a put renames a new file in, so it changes with every write. */
const etagOf = (stats: FileTimes) => `"${stats.size.toString(16)}-${stats.mtimeMs.toString(16)}"`

const sha256OfFile = async (file: string): Promise<string> => {
  const hash = createHash("sha256")
  for await (const chunk of createReadStream(file)) hash.update(chunk as Uint8Array)
  return hash.digest("hex")
}

/** Whether `sidecar` describes the file at `dataFile` (see the module comment). */
const describesFile = async (sidecar: Sidecar, stats: FileTimes, dataFile: string) => {
  if (sidecar.size !== stats.size) return false
  if (sidecar.mtimeMs === stats.mtimeMs) return true
  const sameSecond = Math.floor(sidecar.mtimeMs / 1000) === Math.floor(stats.mtimeMs / 1000)
  return sameSecond && sidecar.sha256 === await sha256OfFile(dataFile)
}

const removeQuietly = (file: string) => fs.rm(file, { force: true }).catch(() => undefined)

const tempPathBeside = (file: string) => path.join(path.dirname(file), `${tempPrefix}${randomUUID()}`)

/** Creates `file` with `write`, its folder first; removes it again if `write` fails. */
const createFile = async <A>(file: string, write: () => Promise<A>): Promise<A> => {
  await fs.mkdir(path.dirname(file), { recursive: true })
  try {
    return await write()
  } catch (cause) {
    await removeQuietly(file)
    throw cause
  }
}

/**
 * Writes the body to the open `file`, checking its length, and returns the sha256 of what it
 * wrote. A stream body is read chunk by chunk (memory stays at one chunk) and cancelled when
 * `signal` aborts, even while a read is pending on a stalled body.
 */
const writeBody = async (file: fs.FileHandle, body: Body, contentLength: number | undefined, signal: AbortSignal) => {
  const hash = createHash("sha256")
  if (!(body instanceof ReadableStream)) {
    const bytes = typeof body === "string" ? new TextEncoder().encode(body) : body
    if (contentLength !== undefined && bytes.byteLength !== contentLength) {
      throw new StoreFailure(`the body has ${bytes.byteLength} bytes but contentLength says ${contentLength}`)
    }
    await file.writeFile(bytes)
    return hash.update(bytes).digest("hex")
  }
  const reader = body.getReader()
  const stop = () => void reader.cancel(signal.reason).catch(() => undefined)
  signal.addEventListener("abort", stop)
  let written = 0
  try {
    for (;;) {
      let chunk: ReadableStreamReadResult<Uint8Array>
      try {
        chunk = await reader.read()
      } catch (cause) {
        throw new StoreFailure(`the body stream failed after ${written} bytes: ${detailOf(cause)}`, { cause })
      }
      signal.throwIfAborted()
      if (chunk.done) break
      written += chunk.value.byteLength
      if (contentLength !== undefined && written > contentLength) {
        throw new StoreFailure(`the body is longer than its contentLength of ${contentLength} bytes`)
      }
      hash.update(chunk.value)
      await file.write(chunk.value)
    }
  } catch (cause) {
    void reader.cancel(cause).catch(() => undefined)
    throw cause
  } finally {
    signal.removeEventListener("abort", stop)
  }
  if (contentLength !== undefined && written !== contentLength) {
    throw new StoreFailure(`the body ended after ${written} of its ${contentLength} bytes`)
  }
  return hash.digest("hex")
}

/** An open file as a stream; closes the file when done or cancelled. */
const fileStream = (file: fs.FileHandle): ReadableStream<Uint8Array> =>
  new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        const buffer = new Uint8Array(readChunkBytes)
        const { bytesRead } = await file.read(buffer, 0, buffer.byteLength, null)
        if (bytesRead > 0) return controller.enqueue(buffer.subarray(0, bytesRead))
        await file.close()
        controller.close()
      } catch (cause) {
        await file.close().catch(() => undefined)
        controller.error(cause)
      }
    },
    cancel: () => file.close().catch(() => undefined)
  })

export const makeLocalStore = (root: string): ObjectStoreShape => {
  const absoluteRoot = path.resolve(root)
  const location = root

  /** Folder path segments of a key or prefix; refuses what could leave the root. */
  const segmentsOf = (keyOrFolder: string, what: string): ReadonlyArray<string> => {
    const segments = keyOrFolder.split("/")
    for (const segment of segments) {
      if (segment === "" || segment === "." || segment === ".." || segment.includes("\0") || segment.includes("\\")) {
        throw new StoreFailure(
          `"${keyOrFolder}" is not a usable ${what}: a local store needs non-empty "/"-separated names ` +
            `without ".", "..", "\\" or NUL, and no leading or trailing "/"`
        )
      }
      if (segment.startsWith(reservedPrefix)) {
        throw new StoreFailure(`"${keyOrFolder}" is not a usable ${what}: names starting with "${reservedPrefix}" are the store's own`)
      }
    }
    return segments
  }

  const pathsOf = (key: string) => {
    const segments = segmentsOf(key, "key")
    return { data: path.join(absoluteRoot, ...segments), meta: path.join(absoluteRoot, metaFolder, ...segments) }
  }

  /** The sidecar at `metaFile` when it still describes the data file; a missing or torn one is none. */
  const validSidecar = async (metaFile: string, stats: FileTimes, dataFile: string): Promise<Sidecar | undefined> => {
    let sidecar: Sidecar
    try {
      sidecar = JSON.parse(await fs.readFile(metaFile, "utf8")) as Sidecar
    } catch (cause) {
      if (isMissing(cause) || cause instanceof SyntaxError) return undefined
      throw cause
    }
    return await describesFile(sidecar, stats, dataFile) ? sidecar : undefined
  }

  const describe = async (key: string, paths: { data: string; meta: string }, stats: FileTimes & { mtime: Date }) => {
    const valid = await validSidecar(paths.meta, stats, paths.data)
    return {
      key,
      size: stats.size,
      etag: etagOf(stats),
      contentType: valid?.contentType,
      metadata: { ...valid?.metadata },
      lastModified: stats.mtime
    } satisfies StoredObject
  }

  /** Writes a sidecar temp file beside `metaFile` for a data file of `stats` and `sha256`. */
  const writeSidecar = (metaFile: string, options: PutOptions, stats: FileTimes, sha256: string) => {
    const sidecar: Sidecar = {
      contentType: options.contentType,
      metadata: { ...options.metadata },
      size: stats.size,
      mtimeMs: stats.mtimeMs,
      sha256
    }
    const temp = tempPathBeside(metaFile)
    return createFile(temp, () => fs.writeFile(temp, JSON.stringify(sidecar), { flag: "wx" })).then(() => temp)
  }

  /**
   * Moves a complete data temp file and its sidecar into place: data first, so a crash in
   * between leaves a stale (ignored) sidecar, never metadata vouching for other bytes.
   */
  const commit = async (dataTemp: string, paths: { data: string; meta: string }, options: PutOptions, sha256: string) => {
    let metaTemp: string | undefined
    try {
      // After the close, which on a network filesystem may still set the time; a rename keeps it.
      const stats = await fs.stat(dataTemp)
      metaTemp = await writeSidecar(paths.meta, options, stats, sha256)
      await fs.rename(dataTemp, paths.data)
      await fs.rename(metaTemp, paths.meta)
      return { etag: etagOf(stats) }
    } catch (cause) {
      await removeQuietly(dataTemp)
      if (metaTemp !== undefined) await removeQuietly(metaTemp)
      throw cause
    }
  }

  /** Runs a file task; interrupting it aborts the task and waits for its cleanup (temp files). */
  const run = <A>(operation: string, key: string, task: (signal: AbortSignal) => Promise<A>) =>
    storeTask({ location, operation, key, detailOf }, task)

  /** The file's stats, or undefined when there is no file there (a folder is not an object). */
  const statFile = async (file: string) => {
    try {
      const stats = await fs.stat(file)
      return stats.isFile() ? stats : undefined
    } catch (cause) {
      if (isMissing(cause)) return undefined
      throw cause
    }
  }

  const head = async (key: string): Promise<StoredObject | undefined> => {
    const paths = pathsOf(key)
    const stats = await statFile(paths.data)
    return stats && await describe(key, paths, stats)
  }

  /** A folder's entries; none when it does not exist. */
  const entriesOf = async (folder: string) => {
    try {
      return await fs.readdir(folder, { withFileTypes: true })
    } catch (cause) {
      if (isMissing(cause)) return []
      throw cause
    }
  }

  const list = async (prefix: string): Promise<ReadonlyArray<ListedObject>> => {
    const folderPart = prefix.slice(0, prefix.lastIndexOf("/") + 1)
    const folderSegments = folderPart === "" ? [] : segmentsOf(folderPart.slice(0, -1), "prefix")
    const found: Array<ListedObject> = []
    const walk = async (folder: string, keyPrefix: string): Promise<void> => {
      for (const entry of await entriesOf(folder)) {
        if (entry.name.startsWith(reservedPrefix)) continue
        const key = keyPrefix + entry.name
        const full = path.join(folder, entry.name)
        if (entry.isDirectory()) {
          if ((key + "/").startsWith(prefix)) await walk(full, key + "/")
        } else if (entry.isFile() && key.startsWith(prefix)) {
          const stats = await fs.stat(full)
          found.push({ key, size: stats.size, etag: etagOf(stats) })
        }
      }
    }
    await walk(path.join(absoluteRoot, ...folderSegments), folderPart)
    return found.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
  }

  const get = async (key: string) => {
    const paths = pathsOf(key)
    let file: fs.FileHandle
    try {
      file = await fs.open(paths.data, "r")
    } catch (cause) {
      if (isMissing(cause) || errnoCode(cause) === "EISDIR") return undefined
      throw cause
    }
    try {
      // Stat the open handle: a concurrent put renames a new file in, but this one stays whole.
      const stats = await file.stat()
      if (!stats.isFile()) {
        await file.close()
        return undefined
      }
      return { object: await describe(key, paths, stats), body: fileStream(file) }
    } catch (cause) {
      await file.close().catch(() => undefined)
      throw cause
    }
  }

  const put = async (key: string, body: Body, options: PutOptions, signal: AbortSignal) => {
    const paths = pathsOf(key)
    const temp = tempPathBeside(paths.data)
    const sha256 = await createFile(temp, async () => {
      const file = await fs.open(temp, "wx")
      try {
        return await writeBody(file, body, options.contentLength, signal)
      } finally {
        await file.close()
      }
    })
    return commit(temp, paths, options, sha256)
  }

  const copy = async (from: string, to: string, options: PutOptions) => {
    const source = pathsOf(from)
    const target = pathsOf(to)
    const stats = await statFile(source.data)
    if (stats === undefined) throw new StoreFailure(`there is no object "${from}" to copy`)
    const valid = await validSidecar(source.meta, stats, source.data)
    const replaced = { ...options, contentType: options.contentType ?? valid?.contentType }
    if (from === to) {
      // Same bytes, new sidecar: only the metadata changes.
      const metaTemp = await writeSidecar(target.meta, replaced, stats, valid?.sha256 ?? await sha256OfFile(source.data))
      await fs.rename(metaTemp, target.meta).catch(async (cause) => {
        await removeQuietly(metaTemp)
        throw cause
      })
      return
    }
    const temp = tempPathBeside(target.data)
    // The copy is hashed for its own sidecar: the source may have changed since its sidecar was read.
    const sha256 = await createFile(temp, async () => {
      await fs.copyFile(source.data, temp, fs.constants.COPYFILE_EXCL)
      return sha256OfFile(temp)
    })
    await commit(temp, target, replaced, sha256)
  }

  const remove = async (key: string) => {
    const paths = pathsOf(key)
    // Data first: a crash in between leaves an orphan sidecar, which describes nothing.
    for (const file of [paths.data, paths.meta]) {
      try {
        await fs.unlink(file)
      } catch (cause) {
        if (!isMissing(cause) && errnoCode(cause) !== "EISDIR") throw cause
      }
    }
  }

  /** Temp files (data and sidecars) of writes that never finished, anywhere under the root. */
  const sweepLeftovers = async (olderThan: Date): Promise<ReadonlyArray<string>> => {
    const removed: Array<string> = []
    const walk = async (folder: string): Promise<void> => {
      for (const entry of await entriesOf(folder)) {
        const full = path.join(folder, entry.name)
        if (entry.isDirectory()) await walk(full)
        else if (entry.isFile() && entry.name.startsWith(tempPrefix)) {
          const stats = await fs.stat(full).catch(() => undefined)
          if (stats !== undefined && stats.mtime < olderThan) {
            await removeQuietly(full)
            removed.push(path.relative(absoluteRoot, full))
          }
        }
      }
    }
    await walk(absoluteRoot)
    return removed.sort()
  }

  /**
   * The root is a writable folder (created if only it is missing), or says why not. Only the
   * root itself is touched: a look at its parent may be refused (Deno grants the store
   * folder alone), and a refusal must not read as absence.
   */
  const checkWritable = async () => {
    try {
      await fs.mkdir(absoluteRoot)
    } catch (cause) {
      if (errnoCode(cause) === "ENOENT") {
        throw new StoreFailure(
          `the folder ${absoluteRoot} does not exist, nor does its parent ${path.dirname(absoluteRoot)}; create it or set QUEST_STORE`
        )
      }
      if (errnoCode(cause) !== "EEXIST") throw cause
      if (!(await fs.stat(absoluteRoot)).isDirectory()) {
        throw new StoreFailure(`${absoluteRoot} is a file, not a folder; set QUEST_STORE to a folder`)
      }
    }
    const probe = path.join(absoluteRoot, `${tempPrefix}probe-${randomUUID()}`)
    await fs.writeFile(probe, "", { flag: "wx" })
    await removeQuietly(probe)
  }

  return enforceMetadataRules({
    location,
    checkWritable: () => run("write to", "", () => checkWritable()),
    sweepLeftovers: (olderThan) => run("sweep", "", () => sweepLeftovers(olderThan)),
    list: (prefix) => run("list", prefix, () => list(prefix)),
    head: (key) => run("head", key, () => head(key)),
    get: (key) => run("get", key, () => get(key)),
    put: (key, body, options = {}) => run("put", key, (signal) => put(key, body, options, signal)),
    copy: (from, to, options) => run("copy", `${from} → ${to}`, () => copy(from, to, options)),
    delete: (key) => run("delete", key, () => remove(key))
  })
}

export const localStoreLayer = (root: string): Layer.Layer<ObjectStore> =>
  Layer.sync(ObjectStore, () => makeLocalStore(root))
