// Stands in for cli/runCommand.ts in the CLI's bundle (bin/cliBundle.mjs puts it there).
// The runner — runCommand.ts and all a command loads: Effect, the domain, the adapters — is
// one CommonJS file beside the bundle, which this compiles through V8 with a code cache of
// its own per command, made after that command's first successful run (and made again after
// the first one without a major GC, if that one had one: see watchGc): so the cache holds
// every function the run compiled. Node's module compile cache keeps only what V8 compiles
// before a module runs (its top level), and each run compiled the rest again: ~40 ms of
// CPU in `quest report` (`npm run bench`).
//
// Plain JavaScript, built into the bundle as it is; built-ins through process.getBuiltinModule
// (see bin/quest.mjs).
const fs = process.getBuiltinModule("node:fs")
const path = process.getBuiltinModule("node:path")
const vm = process.getBuiltinModule("node:vm")
const { createRequire } = process.getBuiltinModule("node:module")
const { fileURLToPath } = process.getBuiltinModule("node:url")

// Beside the bundle's entry, which this is built into; so are the vendor-*.cjs files the
// runner requires (bin/cliBundle.mjs), which come through a code cache of their own too.
const bundleFolder = path.dirname(fileURLToPath(import.meta.url))
const runnerFile = path.join(bundleFolder, "runner.cjs")
const VENDOR = /^\.\/(vendor-[\w.-]+)\.cjs$/
/** A complete cache, or a partial one (see watchGc): files of their own, so a run that finds a complete one makes no other check. */
const cacheFileOf = (command, file, partial = false) =>
  path.join(bundleFolder, `code-cache-${command}-${path.basename(file, ".cjs")}${partial ? ".partial" : ""}.bin`)

const readCache = (file) => {
  try {
    return fs.readFileSync(file)
  } catch {
    return undefined
  }
}

/** A read-only install keeps what it has. */
const removeQuietly = (file) => {
  try {
    fs.rmSync(file, { force: true })
  } catch {
    // nothing to do
  }
}

/** Whole or not at all, so a run that starts meanwhile never reads half a cache; a read-only install runs without one. */
const writeCache = (file, data) => {
  const temp = `${file}.${process.pid}.tmp`
  try {
    fs.writeFileSync(temp, data)
    fs.renameSync(temp, file)
  } catch {
    removeQuietly(temp)
  }
}

/**
 * Watches for major garbage collections while a run makes a code cache: V8 drops the
 * bytecode of functions it has not run through several of them (bytecode flushing), so a
 * long run — a 500 MB report — ends without what only the start ran (module set-up, the
 * settings), and a cache made then lacks it: every later run compiled it again, ~45 ms of a
 * fixture report (`npm run bench`, 198 against 153 ms). Such a cache is still written when
 * there is none (it spares what it has), but as a partial one (`….partial.bin`), which the
 * next run without a major GC replaces with a complete one. Started only on a run that will write a
 * cache (loading node:v8's profiler costs ~3 ms).
 */
let gcWatch
const watchGc = () => {
  if (gcWatch !== undefined) return
  gcWatch = new (process.getBuiltinModule("node:v8").GCProfiler)()
  gcWatch.start()
}
const sawMajorGc = () => gcWatch?.stop()?.statistics.some((gc) => gc.gcType === "MarkSweepCompact") ?? false

/**
 * Loads `file` as Node loads a CommonJS module (the file holds Node's wrapper function), but
 * through a Script whose code cache this controls, for `command`; each one loaded is in
 * `loaded`. The cache's bytes are not held past the compile: a large report may need the memory.
 */
const load = (file, command, loaded) => {
  const cacheFile = cacheFileOf(command, file)
  const completeData = readCache(cacheFile)
  const cachedData = completeData ?? readCache(cacheFileOf(command, file, true))
  // Latin-1, not UTF-8: esbuild writes the code in ASCII (it escapes any other character
  // in strings, regexps and names), so only a comment can hold one, and no one reads those
  // here. Decoding UTF-8 took ~10 ms of 3 MB; Latin-1 is a copy, into a one-byte string.
  const script = new vm.Script(fs.readFileSync(file, "latin1"), {
    filename: file,
    cachedData,
    // --offline's fake upstreams (msw) stay outside the bundle and may be imported.
    importModuleDynamically: vm.constants.USE_MAIN_CONTEXT_DEFAULT_LOADER
  })
  const accepted = cachedData !== undefined && !script.cachedDataRejected
  const complete = accepted && completeData !== undefined
  if (!complete) watchGc()
  loaded.push({ script, cacheFile, partialFile: cacheFileOf(command, file, true), accepted, complete })
  const plain = createRequire(file)
  const vendors = new Map()
  const require = Object.assign((id) => {
    const vendor = VENDOR.exec(id)
    if (vendor === null) return plain(id)
    if (!vendors.has(id)) vendors.set(id, load(path.join(bundleFolder, `${vendor[1]}.cjs`), command, loaded))
    return vendors.get(id)
  }, plain)
  const module = { exports: {} }
  script.runInThisContext()(module.exports, require, module, file, path.dirname(file))
  return module.exports
}

export const runCommand = async (invocation, terminal, log) => {
  const loaded = []
  const runner = load(runnerFile, invocation.command, loaded)
  const code = await runner.runCommand(invocation, terminal, log)
  // A run that did the command's work has compiled what the command needs; a failed one
  // may have stopped early, one with a major GC may have lost some of it (see watchGc), and
  // a complete cache V8 accepted is kept as it is.
  if (code === 0) {
    const lost = sawMajorGc()
    for (const { script, cacheFile, partialFile, accepted, complete } of loaded) {
      if (complete || (lost && accepted)) continue
      writeCache(lost ? partialFile : cacheFile, script.createCachedData())
      // A complete cache V8 rejected (other flags) would otherwise keep the partial one from being read.
      removeQuietly(lost ? cacheFile : partialFile)
    }
  }
  return code
}
