/**
 * The BLS mirror run: list the source, compare with the store, transfer what changed,
 * delete what is gone — in rclone's stages (list → plan → transfer → delete → summary).
 * A run that cannot finish every transfer deletes nothing, so a failure never costs
 * data the previous run stored.
 */
import { Cause, Clock, Effect, Exit, Schema } from "effect"
import { causeMessage } from "../causeMessage.ts"
import { printable } from "../printable.ts"
import { SourceHttp } from "../http/SourceHttp.ts"
import { ObjectStore, type StoredObject } from "../store/ObjectStore.ts"
import { MIRROR_PREFIX, STAGING_PREFIX } from "../storeKeys.ts"
import { parseDirectoryListing, requireFiles } from "./directoryListing.ts"
import { planSync, type SyncPlan } from "./syncPlan.ts"
import { transferFile, type TransferOutcome } from "./transferFile.ts"

export interface SyncOptions {
  /** The directory page, e.g. https://download.bls.gov/pub/time.series/pr/ */
  readonly baseUrl: string
  /** Where mirrored files live in the store. */
  readonly prefix: string
  readonly concurrency: number
  /** Largest share (0–1) of the mirror one run may delete without `force`. */
  readonly maxDeleteShare: number
  readonly force: boolean
  readonly dryRun: boolean
  /** Bodies up to this size are verified in memory and written once; larger ones go through staging. */
  readonly spoolLimitBytes: number
}

export const defaultSyncOptions = {
  prefix: MIRROR_PREFIX,
  concurrency: 4,
  maxDeleteShare: 0.5,
  force: false,
  dryRun: false,
  spoolLimitBytes: 64 * 1024 * 1024
} satisfies Omit<SyncOptions, "baseUrl">

export interface SyncSummary {
  readonly event: "bls-sync"
  readonly source: string
  readonly store: string
  readonly dryRun: boolean
  readonly listed: number
  readonly added: number
  readonly updated: number
  readonly deleted: number
  readonly unchanged: number
  readonly bytesDownloaded: number
  readonly requests: number
  readonly durationMs: number
  /** What happened to each file that needed work (nothing for unchanged files), by its name in the listing. */
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

/** BLS's page is about 1.3 KB; a listing this large is not a directory page. */
const MAX_LISTING_BYTES = 8 * 1024 * 1024

/** The objects directly under the mirror prefix, by file name, with their metadata. */
const storedFiles = (prefix: string, concurrency: number) =>
  Effect.gen(function*() {
    const store = yield* ObjectStore
    const listed = yield* store.list(prefix)
    const direct = listed.filter((object) => !object.key.slice(prefix.length).includes("/"))
    const heads = yield* Effect.forEach(direct, (object) => store.head(object.key), { concurrency })
    return new Map(
      heads.filter((head): head is StoredObject => head !== undefined).map((head) => [head.key.slice(prefix.length), head])
    )
  })

const summarise = (
  base: Pick<SyncSummary, "source" | "store" | "dryRun" | "listed" | "requests" | "durationMs">,
  plan: SyncPlan,
  outcomes: ReadonlyArray<TransferOutcome>,
  deleted: ReadonlyArray<string>
): SyncSummary => {
  const count = (result: TransferOutcome["result"]) => outcomes.filter((o) => o.result === result).length
  return {
    event: "bls-sync",
    ...base,
    added: count("added"),
    updated: count("updated"),
    deleted: deleted.length,
    unchanged: plan.unchanged.length + count("unchanged"),
    bytesDownloaded: outcomes.reduce((sum, o) => sum + o.bytes, 0),
    files: [
      ...outcomes.map((o) => ({ name: o.name, action: o.result })),
      ...deleted.map((name) => ({ name, action: "deleted" }))
    ]
  }
}

/** The summary's one sentence, for the log line. */
const summarySentence = (s: SyncSummary) =>
  `BLS sync${s.dryRun ? " (dry run)" : ""}: ${s.added} added, ${s.updated} updated, ${s.deleted} deleted, ` +
  `${s.unchanged} unchanged of ${s.listed} listed`

const dryRunSummary = (plan: SyncPlan): ReadonlyArray<TransferOutcome> =>
  plan.fetch.map((file) => ({
    name: file.entry.name,
    // A dry run cannot know whether a changed listing means changed bytes.
    result: file.current === undefined ? "added" : "updated",
    bytes: 0
  }))

/** What a run got done, for the summary line of a run that fails or is stopped. */
interface RunState {
  listed: number | undefined
  outcomes: ReadonlyArray<TransferOutcome>
}

/**
 * One summary line per run, whatever its end: a run that fails or is stopped logs what it
 * did before (the README promises the line; an operator reads it to know what is left).
 */
export const syncMirror = (options: SyncOptions) =>
  Effect.suspend(() => {
    const state: RunState = { listed: undefined, outcomes: [] }
    return runSync(options, state).pipe(
      Effect.onError((cause) => {
        const stopped = Cause.hasInterruptsOnly(cause)
        const count = (result: TransferOutcome["result"]) => state.outcomes.filter((o) => o.result === result).length
        const fields = {
          event: "bls-sync",
          outcome: stopped ? "stopped" : "failed",
          source: options.baseUrl,
          dryRun: options.dryRun,
          listed: state.listed,
          added: count("added"),
          updated: count("updated"),
          deleted: 0,
          bytesDownloaded: state.outcomes.reduce((sum, o) => sum + o.bytes, 0)
        }
        return stopped
          ? Effect.logWarning({ ...fields, message: "BLS sync stopped before it finished; nothing was deleted" })
          : Effect.logError({ ...fields, message: `BLS sync failed: ${causeMessage(cause)}` })
      })
    )
  })

const runSync = (options: SyncOptions, state: RunState) =>
  Effect.gen(function*() {
    const source = yield* SourceHttp
    const store = yield* ObjectStore
    const startedAt = yield* Clock.currentTimeMillis
    const requestsBefore = source.requestsMade()
    const keyOf = (name: string) => `${options.prefix}${name}`
    const stagingPrefix = `${STAGING_PREFIX}${options.prefix}`

    const page = yield* source.getBytes(options.baseUrl, MAX_LISTING_BYTES)
    const html = new TextDecoder().decode(page)
    const listing = parseDirectoryListing(html, options.baseUrl)
    const empty = requireFiles(listing, options.baseUrl)
    if (empty !== undefined) return yield* empty

    const stored = yield* storedFiles(options.prefix, options.concurrency)
    const planned = planSync(listing, stored, keyOf)
    // A page cut off without a Content-Length to betray it still parses — as fewer files.
    // Absence from such a page proves nothing, so it deletes nothing.
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

    const finish = (outcomes: ReadonlyArray<TransferOutcome>, deleted: ReadonlyArray<string>) =>
      Effect.map(Clock.currentTimeMillis, (now) =>
        summarise(
          {
            source: options.baseUrl,
            store: store.location,
            dryRun: options.dryRun,
            listed: listing.length,
            requests: source.requestsMade() - requestsBefore,
            durationMs: now - startedAt
          },
          plan,
          outcomes,
          deleted.map((key) => key.slice(options.prefix.length))
        )).pipe(
          Effect.map((summary): SyncSummary =>
            guard === undefined ? summary : { ...summary, deleteGuardWouldRefuse: guard.message }),
          Effect.tap((summary) => Effect.logInfo({ message: summarySentence(summary), ...summary }))
        )

    if (options.dryRun) return yield* finish(dryRunSummary(plan), plan.delete)

    // A run killed mid-transfer (e.g. a Lambda timeout) can leave staging objects behind.
    const leftovers = yield* store.list(stagingPrefix)
    yield* Effect.forEach(leftovers, (object) => store.delete(object.key), { concurrency: options.concurrency })

    const syncedAt = new Date(startedAt).toISOString()
    const exits = yield* Effect.forEach(
      plan.fetch,
      (file) =>
        Effect.exit(transferFile(file, {
          key: keyOf(file.entry.name),
          stagingKey: `${stagingPrefix}${file.entry.name}`,
          spoolLimitBytes: options.spoolLimitBytes,
          syncedAt
        })),
      { concurrency: options.concurrency }
    )
    const outcomes = exits.filter(Exit.isSuccess).map((exit) => exit.value)
    state.outcomes = outcomes
    const failures = exits.flatMap((exit, index) =>
      Exit.isFailure(exit) ? [{ name: plan.fetch[index]!.entry.name, message: causeMessage(exit.cause) }] : []
    )
    if (failures.length > 0) return yield* new SyncIncomplete({ failures, completed: outcomes.length })

    yield* Effect.forEach(plan.delete, (key) => store.delete(key), { concurrency: options.concurrency })
    return yield* finish(outcomes, plan.delete)
  })

