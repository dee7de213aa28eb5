/**
 * `quest sql "<query>"` and `quest sql --reports`: SQL over the local store with DuckDB,
 * through the same tables and views as the Glue catalog on AWS (adapters/duckdbSql.ts).
 *
 * A function of the parsed options to an exit code and output, so whichever command-line
 * parser the CLI uses can register it. It loads neither Effect nor the AWS SDK.
 */
import { createHash } from "node:crypto"
import { createReadStream, existsSync } from "node:fs"
import * as path from "node:path"
import process from "node:process"
import { type LocalSql, openLocalSql } from "../adapters/duckdbSql.ts"
import { parseS3Location } from "../adapters/s3Location.ts"
import { tablesPieces } from "../domain/reports/renderTables.ts"
import { makeReportDocument, type ReportDocument } from "../domain/reports/reportDocument.ts"
import { BLS_DATA_KEY, POPULATION_KEY } from "../domain/storeKeys.ts"
import { SAVED_QUERIES, sqlText } from "../sql/sqlText.ts"
import { EXIT } from "./exitCodes.ts"
import type { Terminal } from "./terminal.ts"

export interface SqlOptions {
  /** The query; ignored with `reports`. */
  readonly query: string | undefined
  /** Run the saved report queries (sql/*.sql) and print one report document. */
  readonly reports: boolean
  readonly json: boolean
  /** Every row of a long table (else the first 20, and a count). */
  readonly all: boolean
  /** The store location (QUEST_STORE). */
  readonly store: string
}

export interface SqlOutcome {
  readonly code: number
  readonly out: string
  readonly err: string
}

const TABLE_ROWS = 20

const failed = (message: string): SqlOutcome => ({ code: EXIT.failed, out: "", err: `quest sql: ${message}\n` })

/** DuckDB's message on one line: its first line, without the caret picture of the query. */
const oneLine = (error: unknown) =>
  (error instanceof Error ? error.message : String(error)).split("\n").filter((line) => !/^\s*(LINE \d+:|\^)/.test(line))
    .map((line) => line.trim()).filter(Boolean).join(" ")

/** Surveys a query names (`survey = 'cu'`, `survey in ('cu', 'la')`). */
export const namedSurveys = (query: string): ReadonlyArray<string> =>
  [...query.matchAll(/\bsurvey\s*(?:=\s*'([^']*)'|in\s*\(([^)]*)\))/gi)].flatMap(([, one, list]) =>
    one !== undefined ? [one] : [...(list ?? "").matchAll(/'([^']*)'/g)].map((match) => match[1]!)
  )

const sha256Of = async (file: string) => {
  const hash = createHash("sha256")
  for await (const chunk of createReadStream(file)) hash.update(chunk as Uint8Array)
  return hash.digest("hex")
}

// The saved queries' rows, as their SELECT lists name them.
interface StatsRow {
  readonly years: ReadonlyArray<number>
  readonly mean: number
  readonly stddev_sample: number
  readonly stddev_population: number
}
interface BestRow {
  readonly series_id: string
  readonly year: number
  readonly sum_q01_q04: number
}
interface JoinRow {
  readonly series_id: string
  readonly year: number
  readonly period: string
  readonly value: number
  readonly population: number | null
}
interface InputsRow {
  readonly bls_rows: number
  readonly bls_rejected: number
  readonly population_years: number
}

/** The report document from the saved queries, in the shape `quest report --json` prints. */
const reportDocument = async (sql: LocalSql, root: string): Promise<ReportDocument> => {
  const rows = <T>(name: string) => sql.query(sqlText(name)).then((result) => result.rows as unknown as ReadonlyArray<T>)
  // DuckDB runs the queries on its own threads while Node hashes the inputs.
  const [[stats], best, without, joined, [counts], blsSha256, populationSha256] = await Promise.all([
    rows<StatsRow>(SAVED_QUERIES.populationStats.name),
    rows<BestRow>(SAVED_QUERIES.bestYearBySeries.name),
    rows<Pick<BestRow, "series_id">>(SAVED_QUERIES.seriesWithoutQuarters.name),
    rows<JoinRow>(SAVED_QUERIES.prs30006032Q01.name),
    rows<InputsRow>(SAVED_QUERIES.inputs.name),
    sha256Of(path.join(root, BLS_DATA_KEY)),
    sha256Of(path.join(root, POPULATION_KEY))
  ])
  return makeReportDocument({
    populationStats: {
      years: stats!.years,
      mean: stats!.mean,
      stddevSample: stats!.stddev_sample,
      stddevPopulation: stats!.stddev_population
    },
    bestYearBySeries: best.map((row) => ({ seriesId: row.series_id, year: row.year, sumQ01Q04: row.sum_q01_q04 })),
    seriesWithoutQuarters: without.map((row) => row.series_id),
    prs30006032Q01: joined.map((row) => ({
      seriesId: row.series_id,
      year: row.year,
      period: row.period,
      value: row.value,
      population: row.population
    })),
    inputs: {
      bls: { key: BLS_DATA_KEY, sha256: blsSha256, rows: counts!.bls_rows, rejected: counts!.bls_rejected },
      population: { key: POPULATION_KEY, sha256: populationSha256, years: counts!.population_years }
    }
  })
}

type Row = Readonly<Record<string, unknown>>

const cellText = (value: unknown) =>
  value === null || value === undefined ? "—" : typeof value === "object" ? JSON.stringify(value) : String(value)

/** Rows as an aligned table: text left, numbers right, as the reports' tables. */
const tableText = (columns: ReadonlyArray<string>, rows: ReadonlyArray<Row>, maxRows: number) => {
  const shown = rows.slice(0, maxRows)
  const cells = shown.map((row) => columns.map((column) => cellText(row[column])))
  const numeric = columns.map((column) => shown.some((row) => typeof row[column] === "number"))
  const widths = columns.map((column, i) => Math.max(column.length, ...cells.map((line) => line[i]!.length)))
  const line = (values: ReadonlyArray<string>) =>
    values.map((value, i) => (numeric[i] ? value.padStart(widths[i]!) : value.padEnd(widths[i]!))).join("  ").trimEnd()
  const more = rows.length > shown.length ? [`… ${shown.length} of ${rows.length} rows shown (--all prints them all)`] : []
  return [line(columns), widths.map((width) => "-".repeat(width)).join("  "), ...cells.map(line), ...more].join("\n") + "\n"
}

export const runSql = async (options: SqlOptions): Promise<SqlOutcome> => {
  if (parseS3Location(options.store) !== undefined) {
    return failed(
      `${options.store} is an S3 store; quest sql reads a local store folder. DuckDB reads S3 through its httpfs ` +
        `extension, which it would download on first use: on AWS, query the stack's Athena workgroup instead.`
    )
  }
  if (!options.reports && (options.query === undefined || options.query.trim() === "")) {
    return { code: EXIT.usage, out: "", err: `quest sql: give a query, e.g. quest sql "select survey, count(*) from bls_data group by 1", or --reports.\n` }
  }
  const root = path.resolve(options.store)
  if (!existsSync(root)) return failed(`the store folder ${root} does not exist: fill it with \`quest run\` (or set --store).`)
  let sql: LocalSql
  try {
    sql = await openLocalSql(root)
  } catch (error) {
    return failed(`DuckDB could not open the store ${root}: ${oneLine(error)}`)
  }
  try {
    const text = options.reports ? Object.values(SAVED_QUERIES).map(({ name }) => sqlText(name)).join("\n") : options.query!
    const missing = namedSurveys(text).filter((survey) => !sql.surveys.includes(survey))
    if (missing.length > 0) {
      const holds = sql.surveys.length === 0 ? "none" : sql.surveys.join(", ")
      return failed(
        `the store ${root} holds no survey ${missing.join(", ")} (it holds: ${holds}); ` +
          `mirror it with \`quest sync --surveys ${[...new Set([...sql.surveys, ...missing])].join(",")}\`.`
      )
    }
    if (options.reports) {
      if (!existsSync(path.join(root, POPULATION_KEY))) {
        return failed(`the store ${root} holds no ${POPULATION_KEY}: fetch it with \`quest population\`.`)
      }
      const doc = await reportDocument(sql, root)
      const out = options.json ? JSON.stringify(doc, null, 2) + "\n" : [...tablesPieces(doc, { maxRows: options.all ? undefined : TABLE_ROWS })].join("")
      return { code: EXIT.done, out, err: "" }
    }
    const result = await sql.query(options.query!)
    const out = options.json
      ? JSON.stringify(result.rows, null, 2) + "\n"
      : tableText(result.columns, result.rows, options.all ? Infinity : TABLE_ROWS)
    return { code: EXIT.done, out, err: "" }
  } catch (error) {
    return failed(`the query failed: ${oneLine(error)}`)
  } finally {
    sql.close()
  }
}

/** Today's command line for `quest sql`: one query and the switches --json, --reports, --all, --store. */
export const sqlOptionsOf = (argv: ReadonlyArray<string>, env: Readonly<Record<string, string | undefined>>): SqlOptions | string => {
  const options = { query: undefined as string | undefined, reports: false, json: false, all: false, store: env["QUEST_STORE"] || "./data" }
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!
    if (arg === "--json" || arg === "--reports" || arg === "--all") options[arg.slice(2) as "json" | "reports" | "all"] = true
    else if (arg === "--store" && argv[i + 1] !== undefined) options.store = argv[++i]!
    else if (arg.startsWith("--store=")) options.store = arg.slice("--store=".length)
    else if (!arg.startsWith("-") && options.query === undefined) options.query = arg
    else return `quest sql: unexpected ${JSON.stringify(arg)}; usage: quest sql "<query>" | --reports [--json] [--all] [--store <folder>]`
  }
  return options
}

const SQL_HELP = [
  `quest sql — SQL over the local store with DuckDB`,
  "",
  `Usage: quest sql "<query>" [--json] [--all] [--store <folder>]`,
  "       quest sql --reports [--json] [--all] [--store <folder>]",
  "",
  "Tables and views, as in the stack's Glue database (sql/README.md):",
  "  bls_data    survey, file, series_id, year, period, value (exact decimal), footnote_codes",
  "  population  year, population",
  "  bls_files, population_files: the files as stored, untyped",
  "--reports runs the saved report queries (sql/*.sql) and prints what `quest report` prints.",
  "--store <folder> (QUEST_STORE, default ./data): a local store folder.",
  "Exit codes: 0 done, 1 the query failed, 2 bad usage."
].join("\n") + "\n"

/** `quest sql` on today's command line (cli/main.ts hands it the arguments after `sql`). */
export const sqlMain = async (argv: ReadonlyArray<string>, terminal: Terminal): Promise<number> => {
  if (argv.includes("--help") || argv.includes("-h")) {
    terminal.out(SQL_HELP)
    return EXIT.done
  }
  const options = sqlOptionsOf(argv, process.env)
  if (typeof options === "string") {
    terminal.err(`${options}\n`)
    return EXIT.usage
  }
  const outcome = await runSql(options)
  if (outcome.out !== "") terminal.out(outcome.out)
  if (outcome.err !== "") terminal.err(outcome.err)
  return outcome.code
}
