/**
 * The BLS mirror run, in rclone's stages: list → plan → transfer → delete → summary.
 * A run that cannot finish every transfer deletes nothing. What the store holds is read
 * from its listing and the mirror's state (mirrorState.ts): a sync with nothing to do
 * makes two store calls, whatever the file count.
 */
import * as Cause from "effect/Cause"
import * as Clock from "effect/Clock"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Option from "effect/Option"
import * as Schema from "effect/Schema"
import { causeMessage } from "../causeMessage.ts"
import { printable } from "../printable.ts"
import { settingSpecs } from "../settingSpecs.ts"
import { SourceHttp } from "../http/SourceHttp.ts"
import { ObjectStore } from "../store/ObjectStore.ts"
import { MIRROR_PREFIX, mirrorStateKeyOf } from "../storeKeys.ts"
import { parseDirectoryListing, requireFiles } from "./directoryListing.ts"
import { fromStored } from "./mirrorMetadata.ts"
import { type FileState, fileStateOf, mirrorStateBody, readMirrorState, trustedFiles } from "./mirrorState.ts"
import { planSync } from "./syncPlan.ts"
import { type TransferContext, transferFile, type TransferOutcome } from "./transferFile.ts"

export interface SyncOptions extends Omit<TransferContext, "key" | "syncedAt"> {
  /** The directory page (https://download.bls.gov/pub/time.series/pr/) and where its files go in the store. */
  readonly baseUrl: string
  readonly prefix: string
  readonly concurrency: number
  /** Largest share (0–1) of the mirror one run may delete without `force`. */
  readonly maxDeleteShare: number
  readonly force: boolean
  readonly dryRun: boolean
  /** Leftovers of unfinished writes (a local folder's temp files) older than this belong to a dead run. */
  readonly leftoverAgeMs: number
  /** Epoch ms (Effect's Clock) after which no transfer starts and any running is stopped. */
  readonly stopAt?: number | undefined
}

export const defaultSyncOptions = {
  prefix: MIRROR_PREFIX,
  concurrency: 4,
  maxDeleteShare: 0.5,
  force: false,
  dryRun: false,
  // One S3 part: what a streamed body holds in memory anyway.
  streamAboveBytes: 8 * 1024 * 1024,
  spoolLimitBytes: 64 * 1024 * 1024,
  // Twice the longest a transfer may take: anything older was left by a run that is over.
  leftoverAgeMs: 2 * Number(settingSpecs.transferTimeoutMs.default)
} satisfies Omit<SyncOptions, "baseUrl">

export interface SyncSummary extends Readonly<Record<"listed" | "added" | "updated" | "deleted" | "unchanged" | "bytesDownloaded" | "requests" | "durationMs", number>> {
  readonly event: "bls-sync"
  readonly source: string
  readonly store: string
  readonly dryRun: boolean
  /** What happened to each file that needed work, by its name in the listing. */
  readonly files: ReadonlyArray<{ readonly name: string; readonly action: string }>
  /** A dry run only: the delete guard would refuse the real run, in its own words. */
  readonly deleteGuardWouldRefuse?: string
}

export class DeleteGuardTripped extends Schema.TaggedError<DeleteGuardTripped>()("DeleteGuardTripped", {
  wouldDelete: Schema.Number,
  mirrored: Schema.Number,
  maxShare: Schema.Number
}) {
  override get message() {
    return `This sync would delete ${this.wouldDelete} of the ${this.mirrored} mirrored files, more than the ` +
      `allowed ${Math.round(this.maxShare * 100)}%. Nothing was changed. If upstream really removed them, ` +
      `run again with --force (or raise QUEST_MAX_DELETE_SHARE).`
  }
}

export class SyncIncomplete extends Schema.TaggedError<SyncIncomplete>()("SyncIncomplete", {
  failures: Schema.Array(Schema.Struct({ name: Schema.String, message: Schema.String })),
  completed: Schema.Number
}) {
  override get message() {
    const first = this.failures[0]
    return `${this.failures.length} file(s) could not be synced (${this.completed} others were); the previous ` +
      `copies are untouched and no file was deleted. First: ${printable(first?.name ?? "")}: ${first?.message}`
  }
}

export class DeadlineReached extends Schema.TaggedError<DeadlineReached>()("DeadlineReached", {
  completed: Schema.Number,
  left: Schema.Array(Schema.String),
  failed: Schema.Number
}) {
  override get message() {
    const first = this.left.slice(0, 3).map((name) => printable(name)).join(", ")
    return `The run's time ran out: ${this.completed} file(s) synced, ${this.left.length} left for the next run ` +
      `(${first}${this.left.length > 3 ? ", …" : ""})${this.failed > 0 ? `, ${this.failed} failed` : ""}. Nothing ` +
      `partial was stored and nothing was deleted; the next run finishes the rest.`
  }
}

/** BLS's page is about 1.3 KB; a listing this large is not a directory page. */
const MAX_LISTING_BYTES = 8 * 1024 * 1024

/** The objects directly under the prefix, by name, with their record: from the state where the listing vouches for it, else their metadata. */
const storedFiles = (prefix: string, stateKey: string, concurrency: number) =>
  Effect.gen(function*() {
    const store = yield* ObjectStore
    const nameOf = (key: string) => key.slice(prefix.length)
    const direct = (yield* store.list(prefix)).filter((object) => !nameOf(object.key).includes("/"))
    const state = yield* readMirrorState(store, stateKey)
    const files = trustedFiles(state, direct, nameOf)
    const unvouched = direct.filter((object) => !files.has(nameOf(object.key)))
    if (state !== undefined && unvouched.length > 0) {
      yield* Effect.logDebug(`${unvouched.length} mirrored object(s) changed since the mirror recorded them; reading their metadata`)
    }
    for (const head of yield* Effect.forEach(unvouched, (object) => store.head(object.key), { concurrency })) {
      // Gone since the listing: as if it had not been listed.
      if (head !== undefined) files.set(nameOf(head.key), { object: head, record: fromStored(head) })
    }
    return { files, stateBody: state === undefined ? undefined : mirrorStateBody(state.source, new Map(Object.entries(state.files))) }
  })

type Counted = Pick<TransferOutcome, "name" | "result" | "bytes">

const count = (outcomes: ReadonlyArray<Counted>, result: TransferOutcome["result"]) =>
  outcomes.filter((o) => o.result === result).length

const bytesOf = (outcomes: ReadonlyArray<Counted>) => outcomes.reduce((sum, o) => sum + o.bytes, 0)

/**
 * A run killed mid-transfer can leave what no later transfer overwrites (a local folder's
 * temp file). Only those older than `cutoff` go: a younger one may belong to a live run.
 */
const sweepLeftovers = (cutoff: Date) =>
  Effect.gen(function*() {
    const store = yield* ObjectStore
    const swept = store.sweepLeftovers === undefined ? [] : yield* store.sweepLeftovers(cutoff)
    if (swept.length === 0) return
    yield* Effect.logInfo({
      event: "sync.leftovers-swept",
      message: `Removed ${swept.length} leftover(s) of an earlier run that did not finish, older than ${cutoff.toISOString()}`,
      swept
    })
  })

/** One summary line per run, whatever its end: a run that fails or is stopped logs what it did before. */
export const syncMirror = (options: SyncOptions) =>
  Effect.suspend(() => {
    const state: { listed?: number; outcomes: ReadonlyArray<TransferOutcome> } = { outcomes: [] }
    return runSync(options, state).pipe(
      Effect.onError((cause) => {
        const stopped = Cause.hasInterruptsOnly(cause)
        const error = Cause.squash(cause)
        const fields = {
          event: "bls-sync",
          outcome: stopped ? "stopped" : "failed",
          source: options.baseUrl,
          dryRun: options.dryRun,
          listed: state.listed,
          added: count(state.outcomes, "added"),
          updated: count(state.outcomes, "updated"),
          deleted: 0,
          bytesDownloaded: bytesOf(state.outcomes),
          ...(error instanceof DeadlineReached ? { left: error.left.length, leftFiles: error.left } : {})
        }
        return stopped
          ? Effect.logWarning({ ...fields, message: "BLS sync stopped before it finished; nothing was deleted" })
          : Effect.logError({ ...fields, message: `BLS sync failed: ${causeMessage(cause)}` })
      })
    )
  })

const runSync = (options: SyncOptions, state: { listed?: number; outcomes: ReadonlyArray<TransferOutcome> }) =>
  Effect.gen(function*() {
    const source = yield* SourceHttp
    const store = yield* ObjectStore
    const startedAt = yield* Clock.currentTimeMillis
    const requestsBefore = source.requestsMade()
    const keyOf = (name: string) => `${options.prefix}${name}`
    const stateKey = mirrorStateKeyOf(options.prefix)

    // A store that cannot take the files is found out before anything is downloaded.
    if (!options.dryRun && store.checkWritable !== undefined) yield* store.checkWritable()
    const html = new TextDecoder().decode(yield* source.getBytes(options.baseUrl, MAX_LISTING_BYTES))
    const listing = parseDirectoryListing(html, options.baseUrl)
    const empty = requireFiles(listing, options.baseUrl)
    if (empty !== undefined) return yield* empty

    const { files: stored, stateBody } = yield* storedFiles(options.prefix, stateKey, options.concurrency)
    const planned = planSync(listing, stored, keyOf)
    // A page cut off without a Content-Length to betray it still parses — as fewer files:
    // absence from it proves nothing, so it deletes nothing.
    const truncated = !/<\/html>\s*$/i.test(html)
    if (truncated && planned.delete.length > 0) {
      yield* Effect.logWarning(
        `${options.baseUrl} did not end like a complete page (no closing </html>); ` +
          `${planned.delete.length} deletion(s) are left for a run that reads the whole page`
      )
    }
    const plan = truncated ? { ...planned, delete: [] } : planned
    state.listed = listing.length
    const guard = !options.force && stored.size > 0 && plan.delete.length / stored.size > options.maxDeleteShare
      ? new DeleteGuardTripped({ wouldDelete: plan.delete.length, mirrored: stored.size, maxShare: options.maxDeleteShare })
      : undefined
    // A dry run shows the whole plan even so, and says the real run would be refused.
    if (guard !== undefined && !options.dryRun) return yield* guard
    // At debug (the summary is the run's one info line): the CLI's progress reads files k of N and bytes from it.
    const sizes = plan.fetch.map((file) => file.entry.size).filter((size) => size !== undefined)
    const counts = { listed: listing.length, transfer: plan.fetch.length, delete: plan.delete.length, unchanged: plan.unchanged.length }
    yield* Effect.logDebug({
      event: "bls-sync.plan",
      message: `${counts.listed} listed: ${counts.transfer} to transfer, ${counts.delete} to delete, ${counts.unchanged} unchanged`,
      ...counts,
      transferBytes: sizes.length === 0 ? undefined : sizes.reduce((sum, size) => sum + size, 0)
    })

    const finish = (outcomes: ReadonlyArray<Counted>, deleted: ReadonlyArray<string>) =>
      Effect.gen(function*() {
        const summary: SyncSummary = {
          event: "bls-sync",
          source: options.baseUrl,
          store: store.location,
          dryRun: options.dryRun,
          listed: listing.length,
          requests: source.requestsMade() - requestsBefore,
          durationMs: (yield* Clock.currentTimeMillis) - startedAt,
          added: count(outcomes, "added"),
          updated: count(outcomes, "updated"),
          deleted: deleted.length,
          unchanged: plan.unchanged.length + count(outcomes, "unchanged"),
          bytesDownloaded: bytesOf(outcomes),
          files: [
            ...outcomes.map((o) => ({ name: o.name, action: o.result })),
            ...deleted.map((key) => ({ name: key.slice(options.prefix.length), action: "deleted" }))
          ],
          ...(guard === undefined ? {} : { deleteGuardWouldRefuse: guard.message })
        }
        const message = `BLS sync${summary.dryRun ? " (dry run)" : ""}: ${summary.added} added, ${summary.updated} updated, ` +
          `${summary.deleted} deleted, ${summary.unchanged} unchanged of ${summary.listed} listed`
        yield* Effect.logInfo({ message, ...summary })
        return summary
      })

    // A dry run cannot know whether a changed listing means changed bytes.
    if (options.dryRun) {
      return yield* finish(plan.fetch.map((file) => ({ name: file.entry.name, result: file.current === undefined ? "added" : "updated", bytes: 0 })), plan.delete)
    }

    // A killed transfer leaves its file unstored, so the next run has it to fetch: sweeping
    // then keeps a run with nothing to do at its two store calls.
    if (plan.fetch.length > 0) yield* sweepLeftovers(new Date(startedAt - options.leftoverAgeMs))

    const syncedAt = new Date(startedAt).toISOString()
    const { stopAt } = options
    // Each file's exit; undefined when the run's time ran out first (not started, or stopped: nothing stored).
    const exits = yield* Effect.forEach(plan.fetch, (file) => {
      const name = file.entry.name
      const transfer = Effect.exit(transferFile(file, { ...options, key: keyOf(name), syncedAt })).pipe(Effect.tap((exit) => {
        const result = Exit.isSuccess(exit) ? exit.value.result : "failed"
        return Effect.logDebug({ event: "bls-sync.file", message: `${name}: ${result}`, name, result })
      }))
      if (stopAt === undefined) return transfer
      return Effect.flatMap(Clock.currentTimeMillis, (now) =>
        now >= stopAt ? Effect.undefined : Effect.map(Effect.timeoutOption(transfer, Duration.millis(stopAt - now)), Option.getOrUndefined))
    }, { concurrency: options.concurrency })
    const left = plan.fetch.flatMap((file, index) => exits[index] === undefined ? [file.entry.name] : [])
    const outcomes = state.outcomes = exits.flatMap((exit) => exit !== undefined && Exit.isSuccess(exit) ? [exit.value] : [])
    const failures = exits.flatMap((exit, index) =>
      exit !== undefined && Exit.isFailure(exit) ? [{ name: plan.fetch[index]!.entry.name, message: causeMessage(exit.cause) }] : []
    )
    const deleted = failures.length > 0 || left.length > 0 ? [] : plan.delete

    // What the store holds now, as the mirror knows it: saved even when some transfers
    // failed (the others need no second download), written only when it changed.
    const known = new Map<string, FileState>()
    for (const [name, { object, record }] of stored) if (record !== undefined) known.set(name, fileStateOf(record, object.etag))
    for (const outcome of outcomes) known.set(outcome.name, fileStateOf(outcome.record, outcome.etag))
    for (const key of deleted) known.delete(key.slice(options.prefix.length))
    const nextState = mirrorStateBody(options.baseUrl, known)
    const saveState = nextState === stateBody ? Effect.void : store.put(stateKey, nextState, { contentType: "application/json" })

    if (left.length > 0 || failures.length > 0) {
      yield* saveState
      return yield* left.length > 0
        ? new DeadlineReached({ completed: outcomes.length, left, failed: failures.length })
        : new SyncIncomplete({ failures, completed: outcomes.length })
    }
    yield* Effect.forEach(deleted, (key) => store.delete(key), { concurrency: options.concurrency })
    yield* saveState
    return yield* finish(outcomes, deleted)
  })
