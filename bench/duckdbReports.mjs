// The yardstick: DuckDB's Node binding computing the same three reports from the same
// store folder, start to finish, and writing them as CSV files (as `quest report` stores
// its reports). `node bench/duckdbReports.mjs STORE THREADS OUTDIR`.
//
// Exact like quest: values as DECIMAL, ties to the earliest year, series without quarters
// listed apart, the population statistics over 2013–2018, the left join on year.
import { DuckDBInstance } from "@duckdb/node-api"

const [root, threads, out] = process.argv.slice(2)
const bls = `${root}/bls/pr/pr.data.0.Current`
const population = `${root}/population/population.json`
const db = await DuckDBInstance.create(":memory:", { threads })
const connection = await db.connect()
const run = (sql) => connection.run(sql)

const columns = "{'series_id': 'VARCHAR', 'year': 'INTEGER', 'period': 'VARCHAR', 'value': 'DECIMAL(18,3)', 'footnote_codes': 'VARCHAR'}"
await run(`CREATE TEMP VIEW bls AS
  SELECT trim(series_id) AS series_id, year, trim(period) AS period, value
  FROM read_csv('${bls}', delim = '\t', header = true, quote = '', escape = '', columns = ${columns})`)
// One scan for both per-series reports: the quarterly sum of every series and year.
await run(`CREATE TEMP TABLE yearly AS
  SELECT series_id, year, sum(value) FILTER (WHERE period IN ('Q01', 'Q02', 'Q03', 'Q04')) AS total
  FROM bls GROUP BY series_id, year`)
await run(`COPY (
  SELECT series_id, year, total AS value FROM yearly WHERE total IS NOT NULL
  QUALIFY row_number() OVER (PARTITION BY series_id ORDER BY total DESC, year) = 1
  ORDER BY series_id) TO '${out}/best-year-by-series.csv'`)
await run(`COPY (
  SELECT series_id FROM yearly GROUP BY series_id HAVING count(total) = 0 ORDER BY series_id
  ) TO '${out}/series-without-quarters.csv'`)
await run(`CREATE TEMP TABLE population AS
  SELECT CAST(r.Year AS INTEGER) AS year, r.Population AS population
  FROM (SELECT unnest(data) AS r FROM read_json('${population}'))`)
await run(`COPY (
  SELECT avg(population) AS mean, stddev_samp(population) AS stddev_sample, stddev_pop(population) AS stddev_population
  FROM population WHERE year BETWEEN 2013 AND 2018) TO '${out}/population-stats.csv'`)
await run(`COPY (
  SELECT b.series_id, b.year, b.period, b.value, p.population AS Population
  FROM bls b LEFT JOIN population p USING (year)
  WHERE b.series_id = 'PRS30006032' AND b.period = 'Q01' ORDER BY b.year) TO '${out}/prs30006032-q01.csv'`)
const [[series]] = (await connection.runAndReadAll("SELECT count(DISTINCT series_id) FROM yearly")).getRows()
connection.closeSync()
db.closeSync()
console.log(JSON.stringify({ series: Number(series) }))
