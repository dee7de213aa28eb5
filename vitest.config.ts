import { defineConfig } from "vitest/config"

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    globalSetup: ["test/support/buildCli.ts"],
    // Some suites start moto, child processes or Deno: generous, but bounded.
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Two cores: run files two at a time so moto and child processes are not starved.
    maxWorkers: 2
  }
})
