/**
 * The object store as a local folder: each key is a file under the root, so the folder
 * reads like the mirror it holds. Content type and user metadata live in a hidden sidecar
 * tree `<root>/.quest-meta/<key>` (JSON), which mirrors the data tree so it can only
 * collide where the data itself would.
 *
 * Names whose segment starts with `.quest-` are the store's own (sidecars, temp files):
 * never listed, and refused as keys.
 *
 * Atomic `put`: the body is written to a temp file in the target's folder and renamed into
 * place only when it is complete. A sidecar records the identity of the data file it
 * describes — size, modification time and sha256, never the inode, so a copy that keeps
 * bytes and times (`cp -a`, `rsync -a`, `tar`, a backup restore) is the same store; a
 * sidecar that does not match its file (a crash between the two renames, a file edited by
 * hand) is ignored, so metadata never vouches for other bytes. A time that matches only to
 * the second (tar and some filesystems keep no finer) is confirmed by the hash.
 */
import { createHash, randomUUID } from "node:crypto"
import { createReadStream, type Dirent, type Stats } from "node:fs"
import * as fs from "node:fs/promises"
import * as path from "node:path"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import type { Body, ListedObject, Metadata, ObjectStoreShape, PutOptions, StoredObject } from "../domain/store/ObjectStore.ts"
import { enforceMetadataRules } from "../domain/store/metadataRules.ts"
import { ObjectStore, StoreError } from "../domain/store/ObjectStore.ts"

const reservedPrefix = ".quest-"
const metaFolder = `${reservedPrefix}meta`
/**
 * Reads of 1 MB, several in flight at their own positions: a 500 MB report input is 500
 * reads rather than 8,000, and the reads (on libuv's threads) overlap each other and the
 * parsing. With one read in flight, a reader parsing ~300 MB/s spent a third of its time
 * waiting for the next one.
 */
const readChunkSize = 1024 * 1024
const readsInFlight = 3

interface Sidecar {
  readonly contentType?: string | undefined
  readonly metadata: Metadata
  /** Identity of the data file this sidecar describes (sidecars of earlier versions lack sha256). */
  readonly size: number
  readonly mtimeMs: number
  readonly sha256?: string
}

/** A failure with a message fit for StoreError.detail, keeping the original cause. */
class StoreFailure extends Error {}

const errnoCode = (cause: unknown): string | undefined =>
  typeof cause === "object" && cause !== null && "code" in cause && typeof cause.code === "string"
    ? cause.code
    : undefined

const isMissing = (cause: unknown) => {
  const code = errnoCode(cause)
  return code === "ENOENT" || code === "ENOTDIR"
}

/**
 * Runs `create`, a call that makes `file`, making `file`'s folder first only when it turns
 * out to be missing: an existing folder, the usual case, costs no mkdir round trip.
 */
const inFolder = async <A>(file: string, create: () => Promise<A>): Promise<A> => {
  try {
    return await create()
  } catch (cause) {
    if (errnoCode(cause) !== "ENOENT") throw cause
    await fs.mkdir(path.dirname(file), { recursive: true })
    return await create()
  }
}

const detailOf = (cause: unknown): string => {
  if (cause instanceof StoreFailure) return cause.message
  const text = cause instanceof Error ? cause.message : String(cause)
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

/** A file's identity and time: a put renames a new file in, so it changes with every write. */
const etagOf = (stats: { size: number; mtimeMs: number }) =>
  `"${stats.size.toString(16)}-${stats.mtimeMs.toString(16)}"`

const sha256OfFile = async (file: string): Promise<string> => {
  const hash = createHash("sha256")
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer)
  return hash.digest("hex")
}

/**
 * Whether `sidecar` describes the file at `dataFile` (see the module comment). A file whose
 * time matches only to the second is hashed once: `confirmed` remembers the size, time and
 * sha256 it matched, so the next head or get of the same unchanged file does not read it again.
 */
const sameFile = async (
  sidecar: Sidecar,
  stats: { size: number; mtimeMs: number },
  dataFile: string,
  confirmed: Map<string, string>
) => {
  if (sidecar.size !== stats.size) return false
  if (sidecar.mtimeMs === stats.mtimeMs) return true
  const sameSecond = Math.floor(sidecar.mtimeMs / 1000) === Math.floor(stats.mtimeMs / 1000)
  if (!sameSecond || sidecar.sha256 === undefined) return false
  const identity = `${stats.size}:${stats.mtimeMs}:${sidecar.sha256}`
  if (confirmed.get(dataFile) === identity) return true
  const same = sidecar.sha256 === await sha256OfFile(dataFile)
  if (same) confirmed.set(dataFile, identity)
  return same
}

/** What a writer may already know of a data file, so its sidecar need not find it out again. */
interface KnownFile {
  readonly sha256?: string | undefined
  readonly stats?: Stats | undefined
}

/** A folder's entries; none when it does not exist. */
const entriesOf = async (folder: string): Promise<Array<Dirent>> => {
  try {
    return await fs.readdir(folder, { withFileTypes: true })
  } catch (cause) {
    if (isMissing(cause)) return []
    throw cause
  }
}

const removeQuietly = (file: string) => fs.rm(file, { force: true }).catch(() => undefined)

const tempPrefix = `${reservedPrefix}tmp-`

const tempPathBeside = (file: string) => path.join(path.dirname(file), `${tempPrefix}${randomUUID()}`)

const bytesOf = (body: Uint8Array | string) => typeof body === "string" ? new TextEncoder().encode(body) : body

/**
 * A streamed body's chunks are written about this many bytes at a time, by one writev (no
 * copy), while the next ones are read: a write per chunk as it came (16–64 KB from a
 * download) waited on a round trip through libuv's thread pool each time.
 */
const WRITE_BATCH_BYTES = 1024 * 1024

/** Writes every byte of `buffers` at the file's position (a short write is continued). */
const writeAll = async (file: fs.FileHandle, buffers: ReadonlyArray<Uint8Array>, bytes: number) => {
  let { bytesWritten } = await file.writev(buffers as Array<Uint8Array>)
  if (bytesWritten === bytes) return
  // Rare (a disk nearly full, a signal): the rest, piece by piece.
  let skip = bytesWritten
  for (const buffer of buffers) {
    let from = Math.min(skip, buffer.byteLength)
    skip -= from
    while (from < buffer.byteLength) {
      ;({ bytesWritten } = await file.write(buffer, from))
      if (bytesWritten === 0) throw new StoreFailure("the disk took no more bytes")
      from += bytesWritten
    }
  }
}

/**
 * Writes the body to `file`, checking its length; cancels a stream body it stops reading.
 * Returns the sha256 of what it wrote: the sender's (PutOptions.bodySha256), else hashed on
 * the way (reading the file back to hash it cost a second pass over every report file).
 */
const writeBody = async (
  file: fs.FileHandle,
  body: Body,
  options: PutOptions,
  signal: AbortSignal
): Promise<string | undefined> => {
  const { contentLength, bodySha256 } = options
  if (!(body instanceof ReadableStream)) {
    const bytes = bytesOf(body)
    if (contentLength !== undefined && bytes.byteLength !== contentLength) {
      throw new StoreFailure(`the body has ${bytes.byteLength} bytes but contentLength says ${contentLength}`)
    }
    await file.writeFile(bytes)
    return bodySha256?.() ?? createHash("sha256").update(bytes).digest("hex")
  }
  // A download the mirror hashes as it streams is not hashed a second time here.
  const hash = bodySha256 === undefined ? createHash("sha256") : undefined
  const reader = body.getReader()
  // Cancelling ends a pending read at once, even on a body that has stalled.
  const stop = () => void reader.cancel(signal.reason).catch(() => undefined)
  signal.addEventListener("abort", stop)
  let written = 0
  // The chunks not yet written, and the one write in flight (writes go in order).
  let batch: Array<Uint8Array> = []
  let batchBytes = 0
  let writing: Promise<void> = Promise.resolve()
  const flush = async () => {
    const [buffers, bytes] = [batch, batchBytes]
    batch = []
    batchBytes = 0
    await writing
    writing = writeAll(file, buffers, bytes)
    // Awaited at the next flush or the end; until then a failure is not "unhandled" (which
    // would end the process): the handler marks it, and the await still throws it.
    writing.catch(() => undefined)
  }
  try {
    for (;;) {
      signal.throwIfAborted()
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
      hash?.update(chunk.value)
      batch.push(chunk.value)
      batchBytes += chunk.value.byteLength
      if (batchBytes >= WRITE_BATCH_BYTES) await flush()
    }
    await flush()
    await writing
  } catch (cause) {
    await reader.cancel(cause).catch(() => undefined)
    await writing.catch(() => undefined)
    throw cause
  } finally {
    // Not released: the body has ended or been cancelled (releasing builds Node's error
    // for a released reader in a context of its own, ~2 ms once a process).
    signal.removeEventListener("abort", stop)
  }
  if (contentLength !== undefined && written !== contentLength) {
    throw new StoreFailure(`the body ended after ${written} of its ${contentLength} bytes`)
  }
  return hash?.digest("hex") ?? bodySha256?.()
}

/** The `size` bytes of an open file as a stream; closes the file when done or cancelled. */
const fileStream = (file: fs.FileHandle, size: number): ReadableStream<Uint8Array> => {
  const reads: Array<Promise<Uint8Array>> = []
  let position = 0
  /** Reads `length` bytes at `at`; a short read (not at the end) is continued, so chunks never leave a gap. */
  const readAt = async (at: number, length: number) => {
    const buffer = new Uint8Array(length)
    let filled = 0
    while (filled < length) {
      const { bytesRead } = await file.read(buffer, filled, length - filled, at + filled)
      if (bytesRead === 0) break
      filled += bytesRead
    }
    return buffer.subarray(0, filled)
  }
  const close = () => file.close().catch(() => undefined)
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        // Keep the next reads going.
        while (position < size && reads.length < readsInFlight) {
          const length = Math.min(readChunkSize, size - position)
          reads.push(readAt(position, length))
          position += length
        }
        const chunk = reads.shift()
        if (chunk !== undefined) controller.enqueue(await chunk)
        if (reads.length === 0 && position >= size) {
          await file.close()
          controller.close()
        }
      } catch (cause) {
        await Promise.allSettled(reads)
        await close()
        controller.error(cause)
      }
    },
    cancel: async () => {
      // Reads in flight finish before the file closes under them.
      await Promise.allSettled(reads)
      await close()
    }
  })
}

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
    const data = path.join(absoluteRoot, ...segments)
    if (!data.startsWith(absoluteRoot + path.sep)) {
      throw new StoreFailure(`"${key}" would leave the store's folder ${absoluteRoot}`)
    }
    return { data, meta: path.join(absoluteRoot, metaFolder, ...segments) }
  }

  // Files whose sidecar was confirmed by hashing them (see sameFile).
  const confirmed = new Map<string, string>()

  const readSidecar = async (file: string): Promise<Sidecar | undefined> => {
    try {
      return JSON.parse(await fs.readFile(file, "utf8")) as Sidecar
    } catch (cause) {
      // A missing or half-written sidecar means "no metadata", as for a file copied in by hand.
      if (isMissing(cause) || cause instanceof SyntaxError) return undefined
      throw cause
    }
  }

  /** The sidecar, when it still describes the data file (see sameFile). */
  const validSidecar = async (sidecar: Sidecar | undefined, stats: { size: number; mtimeMs: number }, dataFile: string) =>
    sidecar !== undefined && await sameFile(sidecar, stats, dataFile, confirmed) ? sidecar : undefined

  const describe = async (
    key: string,
    paths: { data: string; meta: string },
    stats: { size: number; mtimeMs: number; mtime: Date }
  ): Promise<StoredObject> => {
    const valid = await validSidecar(await readSidecar(paths.meta), stats, paths.data)
    return {
      key,
      size: stats.size,
      etag: etagOf(stats),
      contentType: valid?.contentType,
      metadata: { ...valid?.metadata },
      lastModified: stats.mtime
    }
  }

  /**
   * Writes the sidecar for the data file now at `dataTemp`, beside its final place (its
   * folder made if missing); hashes the file unless its sha256 is known, and stats it
   * unless its stats are.
   */
  const writeSidecar = async (
    metaFile: string,
    dataFile: string,
    options: PutOptions,
    known: KnownFile = {}
  ) => {
    const stats = known.stats ?? await fs.stat(dataFile)
    const sidecar: Sidecar = {
      contentType: options.contentType,
      metadata: { ...options.metadata },
      size: stats.size,
      mtimeMs: stats.mtimeMs,
      sha256: known.sha256 ?? await sha256OfFile(dataFile)
    }
    const temp = tempPathBeside(metaFile)
    try {
      await inFolder(temp, () => fs.writeFile(temp, JSON.stringify(sidecar), { flag: "wx" }))
      return temp
    } catch (cause) {
      await removeQuietly(temp)
      throw cause
    }
  }

  /** Moves a complete data temp file and its sidecar into place: data first, so a crash in between leaves a stale (ignored) sidecar, never metadata vouching for old bytes. */
  const commit = async (
    dataTemp: string,
    paths: { data: string; meta: string },
    options: PutOptions,
    known: KnownFile
  ) => {
    let metaTemp: string | undefined
    try {
      metaTemp = await writeSidecar(paths.meta, dataTemp, options, known)
      await fs.rename(dataTemp, paths.data)
      await fs.rename(metaTemp, paths.meta)
    } catch (cause) {
      await removeQuietly(dataTemp)
      if (metaTemp !== undefined) await removeQuietly(metaTemp)
      throw cause
    }
  }

  /** Runs a file task; interrupting it aborts the task and waits for its cleanup (temp files). */
  const run = <A>(operation: string, key: string, task: (signal: AbortSignal) => Promise<A>) =>
    Effect.callback<A, StoreError>((resume) => {
      const controller = new AbortController()
      const settled = task(controller.signal).then(
        (value) => resume(Effect.succeed(value)),
        (cause) =>
          resume(Effect.fail(
            new StoreError({
              operation,
              key,
              location,
              detail: detailOf(cause),
              cause: cause instanceof StoreFailure ? cause.cause : cause
            })
          ))
      )
      return Effect.promise(() => {
        controller.abort()
        return settled
      })
    })

  const head = async (key: string): Promise<StoredObject | undefined> => {
    const paths = pathsOf(key)
    try {
      const stats = await fs.stat(paths.data)
      return stats.isFile() ? await describe(key, paths, stats) : undefined
    } catch (cause) {
      if (isMissing(cause)) return undefined
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
      if (isMissing(cause)) return undefined
      throw cause
    }
    try {
      // Stat the open handle: a concurrent put renames a new file in, but this one stays whole.
      const stats = await file.stat()
      if (!stats.isFile()) {
        await file.close()
        return undefined
      }
      return { object: await describe(key, paths, stats), body: fileStream(file, stats.size) }
    } catch (cause) {
      await file.close().catch(() => undefined)
      throw cause
    }
  }

  // A put or copy waits on a dozen file-system calls in turn, each a round trip through
  // libuv's thread pool: those that need not wait for another are made side by side, a
  // folder is made only when a file cannot be created for want of it, and none is made
  // twice (a put waits on 9 rounds instead of 12, a copy on 11 instead of 15).
  const put = async (key: string, body: Body, options: PutOptions, signal: AbortSignal) => {
    const paths = pathsOf(key)
    const temp = tempPathBeside(paths.data)
    let sha256: string | undefined
    let stats: Stats
    try {
      const file = await inFolder(temp, () => fs.open(temp, "wx"))
      try {
        sha256 = await writeBody(file, body, options, signal)
      } finally {
        await file.close()
      }
      // What the sidecar records and the etag is made of (a rename keeps both); after the
      // close, which on a network filesystem may still set the time.
      stats = await fs.stat(temp)
    } catch (cause) {
      await removeQuietly(temp)
      throw cause
    }
    await commit(temp, paths, options, { sha256, stats })
    return { etag: etagOf(stats) }
  }

  const copy = async (from: string, to: string, options: PutOptions) => {
    const source = pathsOf(from)
    const target = pathsOf(to)
    // One read of the source's sidecar: its content type and its sha256, when it still describes the file.
    const [before, sidecar] = await Promise.all([
      fs.stat(source.data).catch((cause: unknown) => {
        if (isMissing(cause)) return undefined
        throw cause
      }),
      readSidecar(source.meta)
    ])
    if (before === undefined || !before.isFile()) throw new StoreFailure(`there is no object "${from}" to copy`)
    const valid = await validSidecar(sidecar, before, source.data)
    const known = valid?.sha256
    const replaced = { ...options, contentType: options.contentType ?? valid?.contentType }
    if (from === to) {
      // Same bytes, new sidecar: only the metadata changes.
      const metaTemp = await writeSidecar(target.meta, target.data, replaced, { sha256: known, stats: before })
      await fs.rename(metaTemp, target.meta).catch(async (cause) => {
        await removeQuietly(metaTemp)
        throw cause
      })
      return
    }
    const temp = tempPathBeside(target.data)
    let after: Stats
    let copied: Stats
    try {
      await inFolder(temp, () => fs.copyFile(source.data, temp, fs.constants.COPYFILE_EXCL))
      ;[after, copied] = await Promise.all([fs.stat(source.data), fs.stat(temp)])
    } catch (cause) {
      await removeQuietly(temp)
      throw cause
    }
    // Puts rename a new file in: the same inode and time after the copy mean the bytes copied are those the sidecar hashed.
    const same = known !== undefined && after.ino === before.ino && after.mtimeMs === before.mtimeMs && after.size === before.size
    await commit(temp, target, replaced, { sha256: same ? known : undefined, stats: copied })
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

  /** The root is a writable folder (created if only it is missing), or says why not. */
  const checkWritable = async () => {
    const root = await fs.stat(absoluteRoot).catch((cause: unknown) => {
      if (errnoCode(cause) === "ENOENT") return undefined
      throw cause
    })
    if (root === undefined) {
      const parent = path.dirname(absoluteRoot)
      const parentStats = await fs.stat(parent).catch(() => undefined)
      if (parentStats === undefined || !parentStats.isDirectory()) {
        throw new StoreFailure(`the folder ${absoluteRoot} does not exist, nor does its parent ${parent}; create it or set QUEST_STORE`)
      }
      await fs.mkdir(absoluteRoot)
    } else if (!root.isDirectory()) {
      throw new StoreFailure(`${absoluteRoot} is a file, not a folder; set QUEST_STORE to a folder`)
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
