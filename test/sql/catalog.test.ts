/**
 * The catalog as the dev stack declares it (Pulumi mocks), judged by the engines at hand:
 * its saved queries run on DuckDB over the fixtures against the golden reports, every
 * deployed statement parsed by a Trino grammar (dt-sql-parser), the analyst policy decided
 * by an IAM policy engine (@cloud-copilot/iam-simulate). There is no Athena here: what only
 * Athena would judge (the SerDes reading the files, partition projection at query time) is
 * checked against AWS's documented keys, not run.
 */
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { TrinoSQL } from "dt-sql-parser"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { type LocalSql, openLocalSql } from "../../adapters/duckdbSql.ts"
import { filesIn, unpackArchive } from "../infra/lambdaArchive.ts"
import { ACCOUNT_ID, type DeclaredResource, type DeclaredStack, declareStack, REGION } from "../infra/mockStack.ts"
import { projectRoot } from "../cli/questProcess.ts"
import { describeWithMoto, MOTO_REGION } from "../support/moto.ts"
import { actionExists, judge } from "../support/policyEngine.ts"
import { bestYearOfGolden, goldenReports, joinRowOfGolden } from "../support/goldenKeys.ts"

const BUCKET = "bls-quest-dev-data-0a1b2c3"
const BUCKET_ARN = `arn:aws:s3:::${BUCKET}`
const DATABASE = "bls_quest_dev"
const WORKGROUP = "bls-quest-dev"
const WORKGROUP_ARN = `arn:aws:athena:${REGION}:${ACCOUNT_ID}:workgroup/${WORKGROUP}`
const fixtures = join(projectRoot, "test/fixtures")

const T = {
  table: "aws:glue/catalogTable:CatalogTable",
  database: "aws:glue/catalogDatabase:CatalogDatabase",
  workgroup: "aws:athena/workgroup:Workgroup",
  namedQuery: "aws:athena/namedQuery:NamedQuery",
  policy: "aws:iam/policy:Policy",
  lifecycle: "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration"
} as const

/** The table properties Athena documents for partition projection (partition-projection-supported-types.html, -setting-up.html). */
const PROJECTION_KEYS = [
  "projection.enabled",
  "storage.location.template",
  /^projection\.[a-z_]+\.type$/,
  /^projection\.[a-z_]+\.values$/
]

/** The SQL inside a view as Athena stores it: `/* Presto View: <base64 JSON> *\/`. */
const viewDefinition = (table: DeclaredResource) => {
  const encoded = /^\/\* Presto View: ([A-Za-z0-9+/=]+) \*\/$/.exec(table.inputs["viewOriginalText"])![1]!
  return JSON.parse(new TextDecoder().decode(Uint8Array.from(atob(encoded), (c) => c.charCodeAt(0))))
}

const tableNamed = (stack: DeclaredStack, name: string) => stack.ofType(T.table).find((table) => table.inputs["name"] === name)!

const queryNamed = (stack: DeclaredStack, name: string) => {
  const query = stack.ofType(T.namedQuery).find((resource) => resource.inputs["name"] === name)
  if (query === undefined) throw new Error(`no saved query ${name}`)
  return query.inputs["query"] as string
}


/** A store folder with the pr fixture files and a population response. */
const fixtureStore = (population = "nation-population.tesseract.json") => {
  const root = mkdtempSync(join(tmpdir(), "quest-sql-"))
  cpSync(join(fixtures, "bls/pr"), join(root, "bls/pr"), { recursive: true })
  mkdirSync(join(root, "population"))
  cpSync(join(fixtures, "datausa", population), join(root, "population/population.json"))
  return root
}

const relative = (a: number, b: number) => Math.abs(a - b) / Math.abs(b)

describe("the catalog the dev stack declares", () => {
  let stack: DeclaredStack
  beforeAll(async () => {
    stack = await declareStack("dev")
  }, 120_000)

  it("puts the tables and views in one Glue database named after the stack", () => {
    expect(stack.one(T.database).inputs["name"]).toBe(DATABASE)
    const tables = stack.ofType(T.table).map((table) => [table.inputs["name"], table.inputs["tableType"], table.inputs["databaseName"]])
    expect(tables.sort()).toEqual([
      ["bls_data", "VIRTUAL_VIEW", DATABASE],
      ["bls_files", "EXTERNAL_TABLE", DATABASE],
      ["population", "VIRTUAL_VIEW", DATABASE],
      ["population_files", "EXTERNAL_TABLE", DATABASE]
    ])
  })

  it("reads every survey's files where the mirror keeps them, partitioned by projection, with documented keys only", () => {
    const bls = tableNamed(stack, "bls_files")
    expect(bls.inputs["partitionKeys"]).toEqual([{ name: "survey", type: "string" }])
    expect(bls.inputs["storageDescriptor"]["location"]).toBe(`s3://${BUCKET}/bls/`)
    expect(bls.inputs["storageDescriptor"]["serDeInfo"]).toEqual({
      serializationLibrary: "org.apache.hadoop.hive.serde2.lazy.LazySimpleSerDe",
      parameters: { "field.delim": "\t", "serialization.format": "\t" }
    })
    const parameters: Record<string, string> = bls.inputs["parameters"]
    expect(parameters).toEqual({
      classification: "csv",
      "skip.header.line.count": "1",
      "projection.enabled": "true",
      "projection.survey.type": "enum",
      // The dev stack's surveys setting.
      "projection.survey.values": "pr",
      "storage.location.template": `s3://${BUCKET}/bls/\${survey}/`
    })
    const projection = Object.keys(parameters).filter((key) => key.startsWith("projection.") || key.startsWith("storage."))
    for (const key of projection) {
      expect(PROJECTION_KEYS.some((documented) => typeof documented === "string" ? documented === key : documented.test(key)), key)
        .toBe(true)
    }
    // The template names the partition column, which the type and values project.
    expect(parameters["storage.location.template"]).toContain("${survey}")
  })

  it("reads the population as stored: one JSON document per line, its keys' case kept", () => {
    const serDe = tableNamed(stack, "population_files").inputs["storageDescriptor"]["serDeInfo"]
    expect(serDe.serializationLibrary).toBe("org.openx.data.jsonserde.JsonSerDe")
    // The OpenX SerDe lower-cases every key unless `case.insensitive` is FALSE (Athena's
    // openx-json-serde.html); the view reads DataUSA's keys as written.
    expect(serDe.parameters).toEqual({ "case.insensitive": "FALSE" })
    const view = viewDefinition(tableNamed(stack, "population")).originalSql as string
    for (const file of ["nation-population.tesseract.json", "nation-population.legacy.json"]) {
      const stored = readFileSync(join(fixtures, "datausa", file), "utf8")
      // The store keeps DataUSA's bytes as sent: one document, on one line, as the SerDe reads it.
      expect(stored.trimEnd().includes("\n"), file).toBe(false)
      const keys = Object.keys((JSON.parse(stored) as { data: Array<object> }).data[0]!)
      for (const key of view.matchAll(/figure\['([^']+)'\]/g)) expect(keys, file).toContain(key[1])
    }
    expect([...view.matchAll(/figure\['([^']+)'\]/g)].map((key) => key[1])).toEqual(["Year", "Population"])
  })

  it("declares each view with the text of sql/ and the columns that text makes", () => {
    for (const [view, columns] of [
      ["bls_data", ["survey", "file", "series_id", "year", "period", "value", "footnote_codes"]],
      ["population", ["year", "population"]]
    ] as const) {
      const table = tableNamed(stack, view)
      const definition = viewDefinition(table)
      expect(definition.originalSql).toBe(readFileSync(join(projectRoot, "sql", `${view}.sql`), "utf8"))
      expect(definition.catalog).toBe("awsdatacatalog")
      expect(definition.schema).toBe(DATABASE)
      expect(definition.columns.map((column: { name: string }) => column.name)).toEqual(columns)
      expect(table.inputs["storageDescriptor"]["columns"].map((column: { name: string }) => column.name)).toEqual(columns)
    }
    expect(viewDefinition(tableNamed(stack, "bls_data")).columns[5]).toEqual({ name: "value", type: "decimal(18,6)" })
  })

  it("enforces the workgroup's settings: encrypted results under athena-results/, a bytes-scanned cutoff", () => {
    const workgroup = stack.one(T.workgroup)
    expect(workgroup.inputs["name"]).toBe(WORKGROUP)
    expect(workgroup.inputs["configuration"]).toMatchObject({
      enforceWorkgroupConfiguration: true,
      // Pulumi.yaml's default, 10,240 MB.
      bytesScannedCutoffPerQuery: 10_737_418_240,
      resultConfiguration: {
        outputLocation: `s3://${BUCKET}/athena-results/`,
        encryptionConfiguration: { encryptionOption: "SSE_S3" }
      }
    })
  })

  it("projects a survey added to the surveys setting; encrypts results with the stack's KMS key, which analysts may use", async () => {
    const key = `arn:aws:kms:${REGION}:${ACCOUNT_ID}:key/1234abcd-12ab-34cd-56ef-1234567890ab`
    const other = await declareStack("dev", { "bls-quest:surveys": "pr,cu,la", "bls-quest:kmsKeyArn": key })
    expect(tableNamed(other, "bls_files").inputs["parameters"]["projection.survey.values"]).toBe("pr,cu,la")
    expect(other.one(T.workgroup).inputs["configuration"]["resultConfiguration"]["encryptionConfiguration"])
      .toEqual({ encryptionOption: "SSE_KMS", kmsKeyArn: key })
    const statements = JSON.parse(other.one(T.policy, "analyst").inputs["policy"]).Statement
    expect(statements).toContainEqual({ Sid: "UseBucketKey", Effect: "Allow", Action: ["kms:Decrypt", "kms:GenerateDataKey"], Resource: [key] })
  }, 120_000)

  it("expires query results after three days", () => {
    const rule = stack.one(T.lifecycle).inputs["rules"].find((candidate: { id: string }) => candidate.id === "expire-athena-results")
    expect(rule).toMatchObject({ status: "Enabled", filter: { prefix: "athena-results/" }, expiration: { days: 3 } })
  })

  it("saves each report query with the exact text of its sql/ file, in the workgroup and database", () => {
    const queries = stack.ofType(T.namedQuery)
    expect(queries.map((query) => query.inputs["name"]).sort()).toEqual(
      ["best_year_by_series", "population_stats", "prs30006032_q01", "report_inputs", "series_without_quarters"]
    )
    for (const query of queries) {
      expect(query.inputs["query"]).toBe(readFileSync(join(projectRoot, "sql", `${query.inputs["name"]}.sql`), "utf8"))
      expect(query.inputs["workgroup"]).toBe(WORKGROUP)
      expect(query.inputs["database"]).toBe(DATABASE)
    }
  })

  it("outputs the database, the workgroup and the query editor's address", () => {
    expect(stack.outputs).toMatchObject({
      catalogDatabase: DATABASE,
      athenaWorkgroup: WORKGROUP,
      queryEditorUrl: `https://${REGION}.console.aws.amazon.com/athena/home?region=${REGION}#/query-editor`
    })
  })

  it("ships DuckDB in no Lambda archive: the functions never query SQL", async () => {
    const functions = stack.ofType("aws:lambda/function:Function")
    expect(functions.length).toBeGreaterThan(0)
    for (const fn of functions) {
      const sandbox = await unpackArchive(fn.inputs["code"])
      try {
        const files = filesIn(sandbox.taskRoot)
        const code = files.filter((file) => /\.(c?js|mjs)$/.test(file))
          .map((file) => readFileSync(join(sandbox.taskRoot, file), "utf8")).join("\n")
        expect(code, fn.name).toContain("PutObject")
        // Pulumi adds the packages of package.json's dependencies and optionalDependencies
        // to the archive: DuckDB, an optional dependency, is left out (infra/lambdaFunction.ts)
        // and loaded by no handler.
        expect(files.filter((file) => /duckdb/i.test(file)), fn.name).toEqual([])
        expect(code.match(/.{0,60}duckdb.{0,60}/gi), fn.name).toBeNull()
      } finally {
        sandbox.remove()
      }
    }
  })

  it("deploys only statements a Trino grammar parses without error", () => {
    const parser = new TrinoSQL()
    const statements = [
      ...stack.ofType(T.namedQuery).map((query) => [query.inputs["name"], query.inputs["query"]]),
      ...["bls_data", "population"].map((view) => [view, viewDefinition(tableNamed(stack, view)).originalSql])
    ]
    expect(statements).toHaveLength(7)
    for (const [name, sql] of statements) expect(parser.validate(sql), name).toEqual([])
    // The grammar does refuse DuckDB's own dialect: a DuckDB-only statement would be caught.
    expect(parser.validate("select * from t qualify row_number() over () = 1")).not.toEqual([])
  })

  describe("its saved queries, run by DuckDB over the fixtures", () => {
    let root: string
    let sql: LocalSql
    const golden = goldenReports()
    const run = async (name: string) => (await sql.query(queryNamed(stack, name))).rows
    beforeAll(async () => {
      root = fixtureStore()
      sql = await openLocalSql(root)
    })
    afterAll(() => {
      sql.close()
      rmSync(root, { recursive: true, force: true })
    })

    it("population_stats: the golden mean exactly, the deviations to 1e-9", async () => {
      const [stats] = await run("population_stats")
      expect(stats!["years"]).toEqual(golden.population_stats.years)
      expect(stats!["mean"]).toBe(golden.population_stats.mean)
      expect(relative(stats!["stddev_sample"] as number, golden.population_stats.stddev_sample)).toBeLessThan(1e-9)
      expect(relative(stats!["stddev_population"] as number, golden.population_stats.stddev_population)).toBeLessThan(1e-9)
    })

    it("best_year_by_series: every golden series, year and exact sum", async () => {
      const rows = await run("best_year_by_series")
      expect(rows.map((row) => ({ seriesId: row["series_id"], year: row["year"], sumQ01Q04: row["sum_q01_q04"] })))
        .toEqual(golden.best_year.map(bestYearOfGolden))
    })

    it("series_without_quarters: the golden list", async () => {
      expect((await run("series_without_quarters")).map((row) => row["series_id"])).toEqual(golden.series_without_quarters)
    })

    it("prs30006032_q01: the golden rows, population null where DataUSA has none", async () => {
      const rows = await run("prs30006032_q01")
      expect(rows.map((row) => ({
        seriesId: row["series_id"],
        year: row["year"],
        period: row["period"],
        value: row["value"],
        population: row["population"]
      }))).toEqual(golden.prs30006032_q01.map(joinRowOfGolden))
    })

    it("report_inputs: the golden row count, none rejected", async () => {
      expect(await run("report_inputs")).toEqual([{ bls_rows: golden.rows, bls_rejected: 0, population_years: 11 }])
    })

    it("reads the legacy population shape (Year a string) to the same statistics", async () => {
      const legacy = fixtureStore("nation-population.legacy.json")
      const legacySql = await openLocalSql(legacy)
      try {
        const goldenLegacy = goldenReports("reports.legacy.json")
        const [stats] = (await legacySql.query(queryNamed(stack, "population_stats"))).rows
        expect(stats!["years"]).toEqual(goldenLegacy.population_stats.years)
        expect(stats!["mean"]).toBe(goldenLegacy.population_stats.mean)
      } finally {
        legacySql.close()
        rmSync(legacy, { recursive: true, force: true })
      }
    })

    it("best_year_by_series gives a tie to the earliest year, and sums decimals exactly", async () => {
      const tie = mkdtempSync(join(tmpdir(), "quest-sql-tie-"))
      mkdirSync(join(tie, "bls/pr"), { recursive: true })
      const row = (series: string, year: number, period: string, value: string) =>
        `${series.padEnd(17)}\t${year}\t${period}\t${value.padStart(12)}\t\n`
      writeFileSync(join(tie, "bls/pr/pr.data.0.Current"), "series_id        \tyear\tperiod\t       value\tfootnote_codes\n" +
        // 2001 and 1999 both sum to 0.3 (0.1 + 0.2 in decimals, not 0.30000000000000004); 2000 less.
        row("PRS1", 2001, "Q01", "0.1") + row("PRS1", 2001, "Q02", "0.2") + row("PRS1", 2001, "Q05", "9") +
        row("PRS1", 1999, "Q03", "0.3") +
        row("PRS1", 2000, "Q01", "0.29") +
        // Negative sums: the largest is still the winner, the tie still the earliest.
        row("PRS2", 2010, "Q01", "-1.5") + row("PRS2", 2008, "Q04", "-1.5") + row("PRS2", 2009, "Q02", "-2"))
      const tieSql = await openLocalSql(tie)
      try {
        expect((await tieSql.query(queryNamed(stack, "best_year_by_series"))).rows).toEqual([
          { series_id: "PRS1", year: 1999, sum_q01_q04: 0.3 },
          { series_id: "PRS2", year: 2008, sum_q01_q04: -1.5 }
        ])
      } finally {
        tieSql.close()
        rmSync(tie, { recursive: true, force: true })
      }
    })
  })

  describeWithMoto("its Glue tables, created in moto and read back", (moto) => {
    /** Glue's JSON API, as the SDK would call it (moto routes by the signed service). */
    const glue = async (operation: string, body: object) => {
      const response = await fetch(moto().endpoint, {
        method: "POST",
        headers: {
          "content-type": "application/x-amz-json-1.1",
          "x-amz-target": `AWSGlue.${operation}`,
          authorization: `AWS4-HMAC-SHA256 Credential=testing/20260101/${MOTO_REGION}/glue/aws4_request, SignedHeaders=host, Signature=0`
        },
        body: JSON.stringify(body)
      })
      const text = await response.text()
      if (!response.ok) throw new Error(`${operation}: ${response.status} ${text}`)
      return JSON.parse(text || "{}")
    }
    /** Pulumi's input names are Glue's, camel-cased (serDeInfo is SerdeInfo); parameter maps keep their keys. */
    const glueShape = (value: unknown, key = ""): unknown => {
      if (Array.isArray(value)) return value.map((item) => glueShape(item))
      if (typeof value !== "object" || value === null || key === "parameters") return value
      return Object.fromEntries(Object.entries(value).map(([name, inner]) => [
        name === "serDeInfo" ? "SerdeInfo" : name[0]!.toUpperCase() + name.slice(1),
        glueShape(inner, name)
      ]))
    }

    it("accepts every table and view as declared and gives each back unchanged", async () => {
      await glue("CreateDatabase", { DatabaseInput: { Name: stack.one(T.database).inputs["name"] } })
      for (const table of stack.ofType(T.table)) {
        const { databaseName, ...input } = table.inputs
        await glue("CreateTable", { DatabaseName: databaseName, TableInput: glueShape(input) })
      }
      const { TableList } = await glue("GetTables", { DatabaseName: DATABASE })
      expect(TableList.map((table: { Name: string }) => table.Name).sort()).toEqual(["bls_data", "bls_files", "population", "population_files"])
      for (const table of stack.ofType(T.table)) {
        const { Table } = await glue("GetTable", { DatabaseName: DATABASE, Name: table.inputs["name"] })
        const { databaseName: _, ...input } = table.inputs
        expect(Table, table.inputs["name"]).toMatchObject(glueShape(input) as object)
      }
    })
  })

  describe("the analyst policy, decided by iam-simulate", () => {
    const decide = async (action: string, resource: string, context: Record<string, string> = {}) => {
      const policy = JSON.parse(stack.one(T.policy, "analyst").inputs["policy"])
      const request = { principal: `arn:aws:iam::${ACCOUNT_ID}:user/analyst`, action, resource, account: ACCOUNT_ID, context }
      return (await judge(request, { identity: { analyst: policy } })).answer
    }
    const glue = `arn:aws:glue:${REGION}:${ACCOUNT_ID}`
    const otherWorkgroup = `arn:aws:athena:${REGION}:${ACCOUNT_ID}:workgroup/primary`

    it("names only actions that exist", async () => {
      const policy = JSON.parse(stack.one(T.policy, "analyst").inputs["policy"])
      for (const action of policy.Statement.flatMap((statement: { Action: Array<string> }) => statement.Action)) {
        expect(await actionExists(action), action).toBe(true)
      }
    })

    it.each([
      ["athena:StartQueryExecution", WORKGROUP_ARN],
      ["athena:GetQueryResults", WORKGROUP_ARN],
      ["athena:GetNamedQuery", WORKGROUP_ARN],
      ["glue:GetTable", `${glue}:table/${DATABASE}/bls_files`],
      ["glue:GetPartitions", `${glue}:table/${DATABASE}/bls_files`],
      ["glue:GetDatabase", `${glue}:database/${DATABASE}`],
      ["s3:GetObject", `${BUCKET_ARN}/bls/cu/cu.data.0.Current`],
      ["s3:GetObject", `${BUCKET_ARN}/population/population.json`],
      ["s3:PutObject", `${BUCKET_ARN}/athena-results/abc.csv`],
      ["s3:GetObject", `${BUCKET_ARN}/athena-results/abc.csv`]
    ])("allows %s on %s", async (action, resource) => {
      expect(await decide(action, resource)).toBe("Allowed")
    })

    it("allows listing the data and results prefixes only", async () => {
      expect(await decide("s3:ListBucket", BUCKET_ARN, { "s3:prefix": "bls/pr/" })).toBe("Allowed")
      expect(await decide("s3:ListBucket", BUCKET_ARN, { "s3:prefix": "reports/" })).not.toBe("Allowed")
    })

    it.each([
      ["athena:StartQueryExecution", otherWorkgroup],
      ["glue:GetTable", `${glue}:table/other_database/bls_files`],
      ["glue:UpdateTable", `${glue}:table/${DATABASE}/bls_files`],
      ["glue:DeleteTable", `${glue}:table/${DATABASE}/bls_data`],
      ["s3:PutObject", `${BUCKET_ARN}/bls/pr/pr.data.0.Current`],
      ["s3:DeleteObject", `${BUCKET_ARN}/bls/pr/pr.data.0.Current`],
      ["s3:PutObject", `${BUCKET_ARN}/population/population.json`],
      ["s3:GetObject", `${BUCKET_ARN}/_state/bls/pr/mirror.json`],
      ["s3:PutObject", `${BUCKET_ARN}/reports/latest/report.json`],
      ["s3:GetObject", "arn:aws:s3:::another-bucket/bls/pr/pr.data.0.Current"],
      ["s3:PutObject", "arn:aws:s3:::another-bucket/athena-results/abc.csv"]
    ])("denies %s on %s", async (action, resource) => {
      expect(await decide(action, resource)).not.toBe("Allowed")
    })
  })
})
