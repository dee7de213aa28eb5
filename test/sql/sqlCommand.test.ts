/**
 * `quest sql` as a user runs it (a child process over a store folder): ad-hoc queries over
 * every mirrored survey, the saved reports in `quest report`'s shape, and its errors, which
 * off a terminal are log records on stderr as every command's are.
 */
import { cpSync, mkdirSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import type { ReportDocument } from "../../domain/reports/reportDocument.ts"
import { logRecords, projectRoot, runQuest, tempStore } from "../cli/questProcess.ts"

const fixtures = join(projectRoot, "test/fixtures")

describe("quest sql", () => {
  const filled = tempStore()
  const twoSurveys = tempStore()
  beforeAll(async () => {
    expect((await runQuest(["run", "--offline", "--json"], { QUEST_STORE: filled.path })).code).toBe(0)
    // pr as the fixtures hold it, and a second survey of two data files with its own
    // non-data files, which no query may read as rows.
    cpSync(join(fixtures, "bls/pr"), join(twoSurveys.path, "bls/pr"), { recursive: true })
    mkdirSync(join(twoSurveys.path, "bls/cu"), { recursive: true })
    const header = "series_id        \tyear\tperiod\t       value\tfootnote_codes\n"
    writeFileSync(join(twoSurveys.path, "bls/cu/cu.data.0.Current"), header + "CUUR0000SA0      \t2025\tM01\t     317.671\t\n")
    writeFileSync(join(twoSurveys.path, "bls/cu/cu.data.1.AllItems"), header +
      "CUUR0000SA0      \t2024\tM01\t     308.417\t\nCUUR0000SA0      \t2024\tM02\t           -\tU\n")
    writeFileSync(join(twoSurveys.path, "bls/cu/cu.series"), "series_id\tarea_code\nCUUR0000SA0\t0000\n")
  }, 120_000)
  afterAll(() => {
    filled.remove()
    twoSurveys.remove()
  })

  it("counts the rows of every survey's data files, and only those", async () => {
    const { code, stdout, stderr } = await runQuest(
      ["sql", "select survey, count(*) as data_rows from bls_data group by 1 order by 1", "--json"],
      { QUEST_STORE: twoSurveys.path }
    )
    expect(stderr).toBe("")
    expect(code).toBe(0)
    // pr: 38,232 rows in pr.data.0.Current and 75,308 in pr.data.1.AllData (test/fixtures/README.md).
    expect(JSON.parse(stdout)).toEqual([{ survey: "cu", data_rows: 3 }, { survey: "pr", data_rows: 38_232 + 75_308 }])
  })

  it("prints a table by default, values exact and a gap as null", async () => {
    const { code, stdout } = await runQuest(
      ["sql", "select file, year, period, value from bls_data where survey = 'cu' order by year, period"],
      { QUEST_STORE: twoSurveys.path }
    )
    expect(code).toBe(0)
    const [done, ...table] = stdout.split("\n").reverse().slice(1)
    expect(table.reverse()).toEqual([
      "file                year  period    value",
      "------------------  ----  ------  -------",
      "cu.data.1.AllItems  2024  M01     308.417",
      "cu.data.1.AllItems  2024  M02           —",
      "cu.data.0.Current   2025  M01     317.671"
    ])
    expect(done).toMatch(/^Done in [\d.]+ m?s\.$/)
  })

  it("--reports --json prints what quest report --json prints over the same store", async () => {
    const sql = await runQuest(["sql", "--reports", "--json"], { QUEST_STORE: filled.path })
    const report = await runQuest(["report", "--json"], { QUEST_STORE: filled.path })
    expect(sql.stderr).toBe("")
    expect(sql.code).toBe(0)
    const fromSql: ReportDocument = JSON.parse(sql.stdout)
    const fromReport: ReportDocument = JSON.parse(report.stdout)
    // The key order too: the same document, not merely the same values.
    expect(JSON.stringify(Object.keys(fromSql))).toBe(JSON.stringify(Object.keys(fromReport)))
    const { populationStats: a, ...restSql } = fromSql
    const { populationStats: b, ...restReport } = fromReport
    expect(restSql).toEqual(restReport)
    expect({ years: a.years, mean: a.mean }).toEqual({ years: b.years, mean: b.mean })
    // Two engines' floating-point sums of squares: equal to 1e-9 relative.
    expect(Math.abs(a.stddevSample - b.stddevSample) / b.stddevSample).toBeLessThan(1e-9)
    expect(Math.abs(a.stddevPopulation - b.stddevPopulation) / b.stddevPopulation).toBeLessThan(1e-9)
  })

  it("names the surveys the store holds when a query asks for another", async () => {
    const { code, stdout, stderr } = await runQuest(["sql", "select count(*) from bls_data where survey = 'la'"], {
      QUEST_STORE: twoSurveys.path
    })
    expect(code).toBe(1)
    expect(stdout).toBe("")
    expect(logRecords(stderr)).toMatchObject([{
      level: "ERROR",
      command: "sql",
      message: `the store ${twoSurveys.path} holds no survey la (it holds: cu, pr); mirror it with \`quest sync --surveys cu,pr,la\`.`
    }])
  })

  it("says in one line why DuckDB refused a query, and exits 1", async () => {
    const { code, stderr } = await runQuest(["sql", "select nope from bls_data"], { QUEST_STORE: twoSurveys.path })
    expect(code).toBe(1)
    const [record, ...more] = logRecords(stderr)
    expect(more).toEqual([])
    expect(record!.message).not.toContain("\n")
    expect(record!.message).toMatch(/^the query failed: Binder Error: Referenced column "nope" not found/)
  })

  it("refuses an S3 store, saying where to query it instead", async () => {
    const { code, stderr } = await runQuest(["sql", "select 1", "--store", "s3://bucket/prefix"])
    expect(code).toBe(1)
    expect(logRecords(stderr)[0]!.message).toContain("Athena workgroup")
  })
})
