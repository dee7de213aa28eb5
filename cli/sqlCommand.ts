/**
 * `quest sql "<query>"` and `quest sql --reports`: SQL over the local store with DuckDB,
 * through the same tables and views as the Glue catalog on AWS (adapters/duckdbSql.ts).
 * The CLI reads its command line and settings as every command's (commandTable.ts); this
 * module is loaded only when it runs.
 */
import { createHash } from "node:crypto"
import { createReadStream, existsSync } from "node:fs"
import * as path from "node:path"
import * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"
import { type LocalSql, openLocalSql } from "../adapters/duckdbSql.ts"
import { parseS3Location } from "../adapters/s3Location.ts"
import { tablesPieces } from "../domain/reports/renderTables.ts"
import { makeReportDocument, type ReportDocument } from "../domain/reports/reportDocument.ts"
import { BLS_DATA_KEY, POPULATION_KEY } from "../domain/storeKeys.ts"
import { SAVED_QUERIES, sqlText } from "../sql/sqlText.ts"
import type { CommandContext, CommandOutput } from "./commands.ts"

/** A query DuckDB refused, or a store it cannot query (exit code 1). */
export class SqlFailed extends Schema.TaggedError<SqlFailed>()("SqlFailed", { detail: Schema.String }) {
  override get message() {
    return this.detail
  }
}

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

/** The report document from the saved queries, in the shape `quest report --json` prints. */
const reportDocument = async (sql: LocalSql, root: string): Promise<ReportDocument> => {
  // The saved queries' rows, as their SELECT lists name them.
  const rows = <T>(query: { readonly name: string }) =>
    sql.query(sqlText(query.name)).then((result) => result.rows as unknown as ReadonlyArray<T>)
  type Best = { readonly series_id: string; readonly year: number; readonly sum_q01_q04: number }
  // DuckDB runs the queries on its own threads while Node hashes the inputs.
  const [[stats], best, without, joined, [counts], blsSha256, populationSha256] = await Promise.all([
    rows<{ readonly years: ReadonlyArray<number>; readonly mean: number; readonly stddev_sample: number; readonly stddev_population: number }>(
      SAVED_QUERIES.populationStats
    ),
    rows<Best>(SAVED_QUERIES.bestYearBySeries),
    rows<Pick<Best, "series_id">>(SAVED_QUERIES.seriesWithoutQuarters),
    rows<Omit<Best, "sum_q01_q04"> & { readonly period: string; readonly value: number; readonly population: number | null }>(
      SAVED_QUERIES.prs30006032Q01
    ),
    rows<{ readonly bls_rows: number; readonly bls_rejected: number; readonly population_years: number }>(SAVED_QUERIES.inputs),
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

const failed = (detail: string) => new SqlFailed({ detail })

const runSql = async ({ settings: { store }, switches, argument: query, maxRows }: CommandContext): Promise<CommandOutput> => {
  if (parseS3Location(store) !== undefined) {
    throw failed(
      `${store} is an S3 store; quest sql reads a local store folder. DuckDB reads S3 through its httpfs ` +
        `extension, which it would download on first use: on AWS, query the stack's Athena workgroup instead.`
    )
  }
  const root = path.resolve(store)
  if (!existsSync(root)) throw failed(`the store folder ${root} does not exist: fill it with \`quest run\` (or set --store).`)
  const sql = await openLocalSql(root).catch((error: unknown) => {
    throw failed(`DuckDB could not open the store ${root}: ${oneLine(error)}`)
  })
  try {
    const text = switches.reports ? Object.values(SAVED_QUERIES).map(({ name }) => sqlText(name)).join("\n") : query ?? ""
    const missing = namedSurveys(text).filter((survey) => !sql.surveys.includes(survey))
    if (missing.length > 0) {
      const holds = sql.surveys.length === 0 ? "none" : sql.surveys.join(", ")
      throw failed(
        `the store ${root} holds no survey ${missing.join(", ")} (it holds: ${holds}); ` +
          `mirror it with \`quest sync --surveys ${[...new Set([...sql.surveys, ...missing])].join(",")}\`.`
      )
    }
    if (switches.reports) {
      if (!existsSync(path.join(root, POPULATION_KEY))) {
        throw failed(`the store ${root} holds no ${POPULATION_KEY}: fetch it with \`quest population\`.`)
      }
      const doc = await reportDocument(sql, root)
      return { json: doc, text: () => tablesPieces(doc, { maxRows }) }
    }
    const result = await sql.query(text).catch((error: unknown) => {
      throw failed(`the query failed: ${oneLine(error)}`)
    })
    return { json: result.rows, text: () => [tableText(result.columns, result.rows, maxRows ?? Infinity)] }
  } finally {
    sql.close()
  }
}

/** The command's program: its failures are SqlFailed. */
export const sqlCommand = (context: CommandContext) =>
  Effect.tryPromise({
    try: () => runSql(context),
    catch: (error) => error instanceof SqlFailed ? error : failed(`the query failed: ${oneLine(error)}`)
  })
