/**
 * A real S3/SQS API for tests: moto_server on a free loopback port, one per test file.
 *
 * `describeWithMoto` registers a suite that starts moto before its tests and stops it after.
 * Without moto_server on PATH the suite is skipped with a warning on the console — and
 * under CI (`CI` set) the file fails instead, since CI must run these tests.
 */
import { spawn } from "node:child_process"
import { accessSync, constants } from "node:fs"
import { createServer } from "node:net"
import { delimiter, join } from "node:path"
import type { S3Client } from "@aws-sdk/client-s3"
import { SQSClient } from "@aws-sdk/client-sqs"
import { afterAll, beforeAll, describe } from "vitest"
import { s3ClientFromEnv } from "../../adapters/s3Store.ts"

const READY_TIMEOUT_MS = 15_000

/** Credentials and region moto accepts; never real ones. */
export const MOTO_REGION = "us-east-1"
const fakeCredentials = { accessKeyId: "testing", secretAccessKey: "testing" }

export interface Moto {
  /** `http://127.0.0.1:PORT` */
  readonly endpoint: string
  /** The standard AWS variables that point an SDK client built from the environment at this moto. */
  readonly env: Readonly<Record<string, string>>
  readonly s3Client: () => S3Client
  readonly sqsClient: () => SQSClient
  readonly stop: () => Promise<void>
}

const onPath = (command: string): boolean =>
  (process.env["PATH"] ?? "").split(delimiter).some((folder) => {
    try {
      accessSync(join(folder, command), constants.X_OK)
      return true
    } catch {
      return false
    }
  })

export const motoAvailable = onPath("moto_server")

const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const server = createServer()
    server.once("error", reject)
    server.listen(0, "127.0.0.1", () => {
      const address = server.address()
      server.close(() => (typeof address === "object" && address !== null ? resolve(address.port) : reject(new Error("no port"))))
    })
  })

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/** Starts moto_server and waits until it answers GET /moto-api/. */
export const startMoto = async (): Promise<Moto> => {
  const port = await freePort()
  const endpoint = `http://127.0.0.1:${port}`
  const child = spawn("moto_server", ["-H", "127.0.0.1", "-p", String(port)], { stdio: ["ignore", "ignore", "pipe"] })
  let output = ""
  child.stderr.on("data", (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-4000)
  })
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()))
  // Should the test process end without afterAll (a crash, Ctrl-C), take moto with it.
  const killOnExit = () => child.kill("SIGKILL")
  process.once("exit", killOnExit)
  void exited.then(() => process.off("exit", killOnExit))
  let spawnError: Error | undefined
  child.once("error", (error) => (spawnError = error))

  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return
    child.kill("SIGTERM")
    const timer = setTimeout(() => child.kill("SIGKILL"), 5_000)
    await exited
    clearTimeout(timer)
  }

  const deadline = Date.now() + READY_TIMEOUT_MS
  for (;;) {
    if (spawnError !== undefined || child.exitCode !== null) {
      throw new Error(`moto_server did not start (${spawnError?.message ?? `exit code ${child.exitCode}`}):\n${output}`)
    }
    const answered = await fetch(`${endpoint}/moto-api/`).then((response) => response.ok, () => false)
    if (answered) break
    if (Date.now() > deadline) {
      await stop()
      throw new Error(`moto_server did not answer ${endpoint}/moto-api/ within ${READY_TIMEOUT_MS / 1000} s:\n${output}`)
    }
    await sleep(100)
  }

  const clientConfig = { endpoint, region: MOTO_REGION, credentials: fakeCredentials }
  return {
    endpoint,
    env: {
      AWS_ENDPOINT_URL: endpoint,
      AWS_REGION: MOTO_REGION,
      AWS_ACCESS_KEY_ID: fakeCredentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: fakeCredentials.secretAccessKey
    },
    // The product's client (adapters/s3Store.ts): its checksum policy, timeouts and retries.
    s3Client: () => s3ClientFromEnv({ ...clientConfig, forcePathStyle: true }),
    sqsClient: () => new SQSClient(clientConfig),
    stop
  }
}

/**
 * Sets `vars` in process.env for the tests of the enclosing suite, restoring the previous
 * values after it.
 */
export const useEnv = (vars: () => Readonly<Record<string, string>>) => {
  const saved = new Map<string, string | undefined>()
  beforeAll(() => {
    for (const [name, value] of Object.entries(vars())) {
      saved.set(name, process.env[name])
      process.env[name] = value
    }
  })
  afterAll(() => {
    for (const [name, value] of saved) {
      if (value === undefined) delete process.env[name]
      else process.env[name] = value
    }
  })
}

/**
 * A suite that runs against a moto started for it; `body` receives an accessor for the
 * running moto (call it inside tests or hooks).
 */
export const describeWithMoto = (name: string, body: (moto: () => Moto) => void) => {
  if (!motoAvailable) {
    if (process.env["CI"]) {
      throw new Error(
        `"${name}" needs moto_server, which is not on PATH, and CI must run it: ` +
          `install it (pip install "moto[server]==5.2.1") in the CI setup.`
      )
    }
    console.warn(`\n⚠ SKIPPED "${name}": moto_server is not on PATH (pip install "moto[server]==5.2.1"). CI runs these tests.\n`)
  }
  describe.skipIf(!motoAvailable)(name, () => {
    let moto: Moto | undefined
    beforeAll(async () => {
      moto = await startMoto()
    }, READY_TIMEOUT_MS + 5_000)
    afterAll(() => moto?.stop())
    body(() => {
      if (moto === undefined) throw new Error("moto is not running: use the accessor inside tests or hooks")
      return moto
    })
  })
}
