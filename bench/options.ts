/**
 * A benchmark's own command-line options (`npm run bench -- --hash-mb 100`). Apart from
 * run.ts, which imports every benchmark: a benchmark importing it back would wait on it.
 */

/** A numeric `--name N` option, or `fallback`. */
export const option = (args: ReadonlyArray<string>, name: string, fallback: number) => {
  const at = args.indexOf(name)
  return at >= 0 ? Number(args[at + 1]) : fallback
}
