/**
 * The local SQL engine: DuckDB, embedded, over a store folder, exposing the tables and views
 * the Glue catalog declares on AWS (infra/catalog.ts), so the same SQL text (sql/*.sql) runs
 * on both engines.
 *
 * The Glue tables are files as stored; here they are views over DuckDB's readers. What
 * differs between the engines is declared in this module only, in tableStatements (the
 * shims sql/README.md lists).
 *
 * DuckDB is an optional dependency, loaded on first use by a specifier esbuild cannot follow,
 * so neither the Lambda archives, nor the CLI bundle, nor the Deno path ever include its
 * native binding.
 */
import { existsSync, readdirSync } from "node:fs"
import * as path from "node:path"
import type { DuckDBConnection } from "@duckdb/node-api"
import { BLS_PREFIX, POPULATION_KEY } from "../domain/storeKeys.ts"
import { BLS_COLUMNS, sqlText, VIEW_NAMES } from "../sql/sqlText.ts"

const varchar = (names: ReadonlyArray<string>) => `{${names.map((name) => `'${name}': 'VARCHAR'`).join(", ")}}`
const quoted = (text: string) => `'${text.replaceAll("'", "''")}'`

/** The surveys a store folder holds data files of (bls/<survey>/<name>.data.*), sorted. */
export const storedSurveys = (root: string): ReadonlyArray<string> => {
  const bls = path.join(root, BLS_PREFIX)
  if (!existsSync(bls)) return []
  return readdirSync(bls, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && readdirSync(path.join(bls, entry.name)).some((file) => file.includes(".data.")))
    .map((entry) => entry.name)
    .sort()
}

/**
 * The Glue tables, as DuckDB views over the store folder's files (empty when the store holds
 * none): Trino's "$path" is read_csv's `filename`; the survey, which Athena projects from the
 * folder, is the folder's name; only data files are read (Athena's view keeps only those);
 * the population's rows are structs, which `figure['Year']` reads as Trino reads a map.
 */
const tableStatements = (root: string, surveys: ReadonlyArray<string>) => {
  const blsFiles = surveys.length === 0
    ? `select ${[...BLS_COLUMNS, "\"$path\"", "survey"].map((name) => `null::varchar as ${name}`).join(", ")} where false`
    : `select ${BLS_COLUMNS.join(", ")}, filename as "$path", regexp_extract(filename, '([^/\\\\]+)[/\\\\][^/\\\\]+$', 1) as survey
       from read_csv(${quoted(path.join(root, BLS_PREFIX, "*", "*.data.*"))}, delim = '\t', header = true, quote = '',
         escape = '', null_padding = true, filename = true, columns = ${varchar(BLS_COLUMNS)})`
  const population = path.join(root, POPULATION_KEY)
  const dataType = `STRUCT("Year" VARCHAR, "Population" VARCHAR)[]`
  const populationFiles = existsSync(population)
    ? `select data from read_json(${quoted(population)}, columns = {data: '${dataType}'})`
    : `select null::${dataType} as data where false`
  return [`create view bls_files as ${blsFiles}`, `create view population_files as ${populationFiles}`]
}

export interface SqlRows {
  readonly columns: ReadonlyArray<string>
  /** Numbers as JSON numbers (decimals and 64-bit integers included), lists as arrays. */
  readonly rows: ReadonlyArray<Record<string, unknown>>
}

export interface LocalSql {
  /** The surveys the store holds data files of. */
  readonly surveys: ReadonlyArray<string>
  readonly query: (sql: string) => Promise<SqlRows>
  readonly close: () => void
}

// DuckDB's type ids of the numbers its JSON gives as strings: BIGINT, UBIGINT, HUGEINT, DECIMAL, UHUGEINT.
const WIDE_NUMBERS = new Set([5, 9, 16, 19, 32])

const rowsOf = async (connection: DuckDBConnection, sql: string): Promise<SqlRows> => {
  const reader = await connection.runAndReadAll(sql)
  const columns = reader.deduplicatedColumnNames()
  const wide = reader.columnTypes().map((type) => WIDE_NUMBERS.has(type.typeId))
  const rows = reader.getRowsJson().map((values) =>
    Object.fromEntries(values.map((value, i) => [columns[i]!, wide[i] && typeof value === "string" ? Number(value) : value]))
  )
  return { columns, rows }
}

/** Opens DuckDB in memory over the store folder `root`, with the catalog's tables and views. */
export const openLocalSql = async (root: string): Promise<LocalSql> => {
  const duckdb = "@duckdb/node-api"
  const { DuckDBInstance } = await (import(/* @vite-ignore */ duckdb) as Promise<typeof import("@duckdb/node-api")>).catch(
    (cause: unknown) => {
      // npm skips an optional dependency under --omit=optional, or where DuckDB has no build for the platform.
      throw new Error(`DuckDB (${duckdb}) could not be loaded; install it with \`npm install ${duckdb}\``, { cause })
    }
  )
  const instance = await DuckDBInstance.create(":memory:")
  const connection = await instance.connect()
  const surveys = storedSurveys(root)
  const views = VIEW_NAMES.map((name) => `create view ${name} as ${sqlText(name)}`)
  for (const statement of [...tableStatements(root, surveys), ...views]) await connection.run(statement)
  return {
    surveys,
    query: (sql) => rowsOf(connection, sql),
    close: () => {
      connection.closeSync()
      instance.closeSync()
    }
  }
}
