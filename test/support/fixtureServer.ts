/**
 * The fake upstreams on a real HTTP server (127.0.0.1, a free port), for what msw cannot
 * reach: the CLI in a child process, Deno, Lambda archives, a manual check.
 * Run directly (`node test/support/fixtureServer.ts [--port N]`) it prints its URLs and
 * serves until killed, logging one line per request.
 */
import { once } from "node:events"
import { createServer, type IncomingMessage, type ServerResponse } from "node:http"
import type { AddressInfo } from "node:net"
import { ConnectionCut } from "./upstream/bodyStreams.ts"
import { createUpstream, type VirtualUpstream } from "./upstream/virtualUpstream.ts"

export interface FixtureServer {
  /** `http://127.0.0.1:<port>` */
  readonly url: string
  /** `<url>/pub/time.series/pr/` */
  readonly blsBaseUrl: string
  /** `<url>/pub/time.series/`, which holds `pr/` and `cu/` */
  readonly blsRootUrl: string
  /** `<url>/tesseract/data.jsonrecords?cube=…` */
  readonly populationUrl: string
  /** `<url>/api/data?drilldowns=Nation&measures=Population` */
  readonly legacyPopulationUrl: string
  readonly upstream: VirtualUpstream
  readonly close: () => Promise<void>
}

export interface FixtureServerOptions {
  /** Default 0: a free port. */
  readonly port?: number
  /** Called with one line per answered request. */
  readonly onRequest?: (line: string) => void
}

const toHeaders = (req: IncomingMessage) => {
  const headers = new Headers()
  for (const [name, value] of Object.entries(req.headers)) {
    for (const v of Array.isArray(value) ? value : value === undefined ? [] : [value]) headers.append(name, v)
  }
  return headers
}

const sendBody = async (body: ReadableStream<Uint8Array>, res: ServerResponse, signal: AbortSignal) => {
  for await (const chunk of body) {
    if (!res.write(chunk)) await once(res, "drain", { signal })
  }
}

const isCleanClose = (error: unknown) => error instanceof ConnectionCut && !error.reset

const serve = async (upstream: VirtualUpstream, origin: string, req: IncomingMessage, res: ServerResponse) => {
  const abort = new AbortController()
  res.on("close", () => abort.abort())
  const method = req.method ?? "GET"
  const request = new Request(new URL(req.url ?? "/", origin), { method, headers: toHeaders(req), signal: abort.signal })
  const response = await upstream.handle(request)
  if (response.type === "error") return void res.destroy()
  res.statusMessage = response.statusText || res.statusMessage
  res.writeHead(response.status, Object.fromEntries(response.headers))
  if (!response.body || method === "HEAD") return void res.end()
  try {
    await sendBody(response.body, res, abort.signal)
  } catch (error) {
    // A short body ends with a FIN once the bytes are out; anything else resets.
    if (!isCleanClose(error)) throw error
    return void res.socket?.end()
  }
  res.end()
}

export const startFixtureServer = async (
  upstream: VirtualUpstream = createUpstream(),
  options: FixtureServerOptions = {},
): Promise<FixtureServer> => {
  let origin = ""
  const server = createServer((req, res) => {
    serve(upstream, origin, req, res).then(
      () => options.onRequest?.(`${req.method} ${req.url} → ${res.statusCode}`),
      (error: unknown) => {
        // A dropped body (or a client gone) ends the connection without a clean end.
        res.destroy()
        options.onRequest?.(`${req.method} ${req.url} → ${res.statusCode} cut: ${String(error)}`)
      },
    )
  })
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject)
    server.listen(options.port ?? 0, "127.0.0.1", resolve)
  })
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  const local = (u: string) => {
    const parsed = new URL(u)
    return origin + parsed.pathname + parsed.search
  }
  return {
    url: origin,
    blsBaseUrl: local(upstream.bls.baseUrl),
    blsRootUrl: local(upstream.blsRootUrl),
    populationUrl: local(upstream.population.url),
    legacyPopulationUrl: local(upstream.population.legacyUrl),
    upstream,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()))
        server.closeAllConnections()
      }),
  }
}

if (import.meta.main) {
  const portArg = process.argv.indexOf("--port")
  const port = portArg > 0 ? Number(process.argv[portArg + 1]) : 0
  const server = await startFixtureServer(createUpstream(), { port, onRequest: (line) => console.error(line) })
  console.log(`BLS directory:       ${server.blsBaseUrl}`)
  console.log(`DataUSA population:  ${server.populationUrl}`)
  console.log(`legacy population:   ${server.legacyPopulationUrl}`)
  console.log(`serving the fixtures until stopped (Ctrl-C)`)
  const stop = () => void server.close().then(() => process.exit(0))
  process.on("SIGINT", stop)
  process.on("SIGTERM", stop)
}
