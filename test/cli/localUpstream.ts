/**
 * For a test file that runs the CLI against the fixture server: the server for the whole
 * file, and for each test fresh fakes (no faults, empty log) and an empty store folder.
 */
import { afterAll, afterEach, beforeAll, beforeEach } from "vitest"
import { type FixtureServer, startFixtureServer } from "../support/fixtureServer.ts"
import { createUpstream } from "../support/upstream/index.ts"
import { tempStore } from "./questProcess.ts"

export const useLocalUpstream = () => {
  const upstream = createUpstream()
  let server: FixtureServer | undefined
  let store: ReturnType<typeof tempStore> | undefined
  beforeAll(async () => {
    server = await startFixtureServer(upstream)
  })
  afterAll(() => server?.close())
  beforeEach(() => {
    upstream.reset()
    store = tempStore()
  })
  afterEach(() => store?.remove())

  const running = <A>(value: A | undefined): A => {
    if (value === undefined) throw new Error("use the fixture server and store inside tests or hooks")
    return value
  }
  return {
    upstream,
    server: () => running(server),
    storePath: () => running(store).path,
    /** The settings that point the CLI at the fixture server and the test's store. */
    env: () => ({
      QUEST_CONTACT: "quest-cli-tests@example.com",
      QUEST_STORE: running(store).path,
      BLS_BASE_URL: running(server).blsBaseUrl,
      POPULATION_URL: running(server).populationUrl,
      QUEST_REQUESTS_PER_SECOND: "1000"
    })
  }
}
