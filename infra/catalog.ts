/**
 * Catalog and query: SQL over the mirrored files where they lie, with Athena over the Glue
 * Data Catalog (no copy, no crawler: the BLS formats are known).
 *
 * - `bls_files`: every file under bls/<survey>/, tab-separated with a header line, as text;
 *   partitioned by survey with partition projection, so a survey added to the `surveys`
 *   setting is queryable with no MSCK REPAIR or crawler run (`enum`, not `injected`: an
 *   injected survey would have to be named in every query, and `group by survey` could not run).
 * - `population_files`: the stored DataUSA response. The OpenX SerDe reads one JSON document
 *   per line; the store writes the body byte for byte as DataUSA sent it (its sha256 is the
 *   reports' input), which DataUSA sends on one line. A pretty-printed answer would still
 *   validate and be stored, and Athena would then fail on it (`Row is not a valid JSON Object`).
 * - views `bls_data` and `population` (sql/*.sql) that keep the data files, trim and type.
 * - a workgroup whose settings queries cannot override: results under athena-results/ in
 *   the data bucket, encrypted as the bucket is, expiring (storage.ts), and a per-query
 *   bytes-scanned cutoff.
 * - the reports as saved queries, with the text `quest sql --reports` runs (sql/*.sql).
 * - a managed policy for analysts: query this workgroup, read the tables and their files,
 *   write only the results prefix.
 */
import * as aws from "@pulumi/aws"
import * as pulumi from "@pulumi/pulumi"
import { BLS_COLUMNS, SAVED_QUERIES, sqlText, type ViewName } from "../sql/sqlText.ts"
import { ATHENA_RESULTS_PREFIX, BLS_PREFIX } from "../domain/storeKeys.ts"
import type { StackSettings } from "./settings.ts"
import { POPULATION_PREFIX } from "./storeLayout.ts"

interface ViewColumn {
  readonly name: string
  /** Trino's name of the type (the view's definition), then Hive's (the Glue columns). */
  readonly types: readonly [string, string]
}

const text: ViewColumn["types"] = ["varchar", "string"]
const int: ViewColumn["types"] = ["integer", "int"]

/** The views of sql/, with the columns their SELECT lists make. */
export const VIEWS: Record<ViewName, ReadonlyArray<ViewColumn>> = {
  bls_data: [
    { name: "survey", types: text },
    { name: "file", types: text },
    { name: "series_id", types: text },
    { name: "year", types: int },
    { name: "period", types: text },
    { name: "value", types: ["decimal(18,6)", "decimal(18,6)"] },
    { name: "footnote_codes", types: text }
  ],
  population: [{ name: "year", types: int }, { name: "population", types: ["double", "double"] }]
}

/**
 * How Athena stores a view in Glue: the SQL and its columns, base64-encoded JSON in a
 * comment, which Athena reads back and analyzes at query time.
 */
export const prestoView = (sql: string, schema: string, columns: ReadonlyArray<ViewColumn>) =>
  `/* Presto View: ${
    btoa(String.fromCodePoint(...new TextEncoder().encode(JSON.stringify({
      originalSql: sql,
      catalog: "awsdatacatalog",
      schema,
      columns: columns.map(({ name, types }) => ({ name, type: types[0] }))
    }))))
  } */`

/** Glue names are lower-case letters, digits and underscores. */
const glueName = (name: string) => name.replaceAll("-", "_")

interface Statement {
  readonly Sid: string
  readonly Effect: "Allow"
  readonly Action: ReadonlyArray<string>
  readonly Resource: ReadonlyArray<string>
  readonly Condition?: Record<string, Record<string, ReadonlyArray<string>>>
}

export interface AnalystAccess {
  readonly bucketArn: string
  readonly workgroupArn: string
  /** The account's Glue catalog ARN, `arn:aws:glue:<region>:<account>:catalog`. */
  readonly catalogArn: string
  readonly database: string
  readonly kmsKeyArn: string | undefined
}

/** Read-only over the data, writes only under athena-results/, queries only in the workgroup. */
export const analystPolicy = ({ bucketArn, workgroupArn, catalogArn, database, kmsKeyArn }: AnalystAccess) => {
  const glue = catalogArn.replace(/:catalog$/, "")
  const read = [BLS_PREFIX, POPULATION_PREFIX]
  const statements: ReadonlyArray<Statement> = [
    {
      Sid: "QueryInWorkgroup",
      Effect: "Allow",
      Action: [
        "athena:StartQueryExecution",
        "athena:StopQueryExecution",
        "athena:GetQueryExecution",
        "athena:GetQueryResults",
        "athena:GetQueryResultsStream",
        "athena:ListQueryExecutions",
        "athena:BatchGetQueryExecution",
        "athena:GetWorkGroup",
        "athena:ListNamedQueries",
        "athena:GetNamedQuery",
        "athena:BatchGetNamedQuery"
      ],
      Resource: [workgroupArn]
    },
    {
      Sid: "ReadCatalog",
      Effect: "Allow",
      Action: ["glue:GetDatabase", "glue:GetTable", "glue:GetTables", "glue:GetPartition", "glue:GetPartitions"],
      Resource: [catalogArn, `${glue}:database/${database}`, `${glue}:table/${database}/*`]
    },
    { Sid: "ReadData", Effect: "Allow", Action: ["s3:GetObject"], Resource: read.map((prefix) => `${bucketArn}/${prefix}*`) },
    {
      Sid: "ListData",
      Effect: "Allow",
      Action: ["s3:ListBucket"],
      Resource: [bucketArn],
      Condition: { StringLike: { "s3:prefix": [...read, ATHENA_RESULTS_PREFIX].map((prefix) => `${prefix}*`) } }
    },
    { Sid: "LocateBucket", Effect: "Allow", Action: ["s3:GetBucketLocation"], Resource: [bucketArn] },
    {
      Sid: "WriteResults",
      Effect: "Allow",
      Action: ["s3:GetObject", "s3:PutObject", "s3:AbortMultipartUpload", "s3:ListMultipartUploadParts"],
      Resource: [`${bucketArn}/${ATHENA_RESULTS_PREFIX}*`]
    },
    ...(kmsKeyArn === undefined
      ? []
      : [{ Sid: "UseBucketKey", Effect: "Allow" as const, Action: ["kms:Decrypt", "kms:GenerateDataKey"], Resource: [kmsKeyArn] }])
  ]
  return { Version: "2012-10-17", Statement: statements }
}

export class Catalog extends pulumi.ComponentResource {
  readonly database: aws.glue.CatalogDatabase
  readonly workgroup: aws.athena.Workgroup
  readonly analystPolicy: aws.iam.Policy
  readonly queryEditorUrl: string

  constructor(name: string, settings: StackSettings, bucket: aws.s3.Bucket, opts?: pulumi.ComponentResourceOptions) {
    super("bls-quest:pipeline:Catalog", `${name}-catalog`, {}, opts)
    const parent = { parent: this }
    const databaseName = glueName(name)
    const s3 = (prefix: string) => pulumi.interpolate`s3://${bucket.bucket}/${prefix}`

    this.database = new aws.glue.CatalogDatabase(name, {
      name: databaseName,
      description: "The BLS mirror and the DataUSA population, as stored in the data bucket"
    }, parent)
    const table = (suffix: string, args: Omit<aws.glue.CatalogTableArgs, "databaseName">) =>
      new aws.glue.CatalogTable(`${name}-${suffix}`, { databaseName: this.database.name, ...args }, parent)
    const textFiles = {
      inputFormat: "org.apache.hadoop.mapred.TextInputFormat",
      outputFormat: "org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat"
    }

    table("bls-files", {
      name: "bls_files",
      tableType: "EXTERNAL_TABLE",
      partitionKeys: [{ name: "survey", type: "string" }],
      parameters: {
        classification: "csv",
        "skip.header.line.count": "1",
        "projection.enabled": "true",
        "projection.survey.type": "enum",
        "projection.survey.values": settings.surveys.join(","),
        "storage.location.template": pulumi.interpolate`s3://${bucket.bucket}/${BLS_PREFIX}\${survey}/`
      },
      storageDescriptor: {
        location: s3(BLS_PREFIX),
        ...textFiles,
        serDeInfo: {
          serializationLibrary: "org.apache.hadoop.hive.serde2.lazy.LazySimpleSerDe",
          parameters: { "field.delim": "\t", "serialization.format": "\t" }
        },
        columns: BLS_COLUMNS.map((column) => ({ name: column, type: "string" }))
      }
    })
    table("population-files", {
      name: "population_files",
      tableType: "EXTERNAL_TABLE",
      parameters: { classification: "json" },
      storageDescriptor: {
        location: s3(POPULATION_PREFIX),
        ...textFiles,
        serDeInfo: {
          serializationLibrary: "org.openx.data.jsonserde.JsonSerDe",
          // By default the SerDe lower-cases every JSON key, and `figure['Year']` (sql/population.sql,
          // as DuckDB reads it) would find nothing: keep DataUSA's keys as written. The one column,
          // `data`, is lower-case already, so it needs no mapping.
          parameters: { "case.insensitive": "FALSE" }
        },
        // A map, not a struct: Trino's UNNEST spreads a struct's fields into columns, which
        // DuckDB's does not, where a map stays one value in both (sql/README.md).
        columns: [{ name: "data", type: "array<map<string,string>>" }]
      }
    })
    for (const [view, columns] of Object.entries(VIEWS)) {
      table(`${view.replaceAll("_", "-")}-view`, {
        name: view,
        tableType: "VIRTUAL_VIEW",
        parameters: { presto_view: "true", comment: "Presto View" },
        viewOriginalText: prestoView(sqlText(view), databaseName, columns),
        viewExpandedText: "/* Presto View */",
        storageDescriptor: { columns: columns.map(({ name, types }) => ({ name, type: types[1] })) }
      })
    }

    this.workgroup = new aws.athena.Workgroup(name, {
      name,
      description: "Ad-hoc SQL over the BLS mirror and the population (results expire)",
      forceDestroy: true,
      configuration: {
        enforceWorkgroupConfiguration: true,
        publishCloudwatchMetricsEnabled: true,
        bytesScannedCutoffPerQuery: settings.queryBytesScannedCutoffMb * 1024 * 1024,
        engineVersion: { selectedEngineVersion: "Athena engine version 3" },
        resultConfiguration: {
          outputLocation: s3(ATHENA_RESULTS_PREFIX),
          encryptionConfiguration: settings.kmsKeyArn === undefined
            ? { encryptionOption: "SSE_S3" }
            : { encryptionOption: "SSE_KMS", kmsKeyArn: settings.kmsKeyArn }
        }
      }
    }, parent)

    for (const { name: query, description } of Object.values(SAVED_QUERIES)) {
      new aws.athena.NamedQuery(`${name}-${query.replaceAll("_", "-")}`, {
        name: query,
        description,
        database: this.database.name,
        workgroup: this.workgroup.name,
        query: sqlText(query)
      }, parent)
    }

    const identity = aws.getCallerIdentityOutput({}, parent)
    this.analystPolicy = new aws.iam.Policy(`${name}-analyst`, {
      description: "Query the pipeline's Athena workgroup: read the mirrored data, write query results only",
      policy: pulumi.all([bucket.arn, this.workgroup.arn, identity.accountId]).apply(([bucketArn, workgroupArn, account]) =>
        JSON.stringify(analystPolicy({
          bucketArn,
          workgroupArn,
          catalogArn: `arn:aws:glue:${settings.region}:${account}:catalog`,
          database: databaseName,
          kmsKeyArn: settings.kmsKeyArn
        }))
      )
    }, parent)

    this.queryEditorUrl = `https://${settings.region}.console.aws.amazon.com/athena/home?region=${settings.region}#/query-editor`
    this.registerOutputs({})
  }
}
