/**
 * The few Deno APIs the entries in deno/ use, for the project's TypeScript check (which
 * runs with Node's types). Deno's own declarations are richer and agree with these.
 * Only deno/ may use them: the lint config rejects `Deno` anywhere else.
 */
declare namespace Deno {
  const args: ReadonlyArray<string>
  function exit(code?: number): never
  function execPath(): string
  const env: { get(key: string): string | undefined }

  type Signal = "SIGINT" | "SIGTERM"
  function addSignalListener(signal: Signal, handler: () => void): void

  interface CommandOptions {
    args?: ReadonlyArray<string>
    env?: Record<string, string>
    stdin?: "inherit" | "null" | "piped"
    stdout?: "inherit" | "null" | "piped"
    stderr?: "inherit" | "null" | "piped"
  }
  interface CommandStatus {
    readonly success: boolean
    readonly code: number
    readonly signal: string | null
  }
  interface ChildProcess {
    readonly status: Promise<CommandStatus>
    kill(signal?: Signal): void
  }
  class Command {
    constructor(command: string, options?: CommandOptions)
    spawn(): ChildProcess
  }

  interface NetAddr {
    readonly hostname: string
    readonly port: number
  }
  interface ServeOptions {
    port?: number
    hostname?: string
    signal?: AbortSignal
    onListen?: (addr: NetAddr) => void
  }
  interface HttpServer {
    readonly finished: Promise<void>
    shutdown(): Promise<void>
  }
  function serve(options: ServeOptions, handler: (request: Request) => Response | Promise<Response>): HttpServer

  function cron(name: string, schedule: string, handler: () => Promise<void> | void): Promise<void>
}
