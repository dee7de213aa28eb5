/**
 * The fake upstreams as one web-standard function, `(Request) => Promise<Response>`,
 * over state tests can change: the BLS directory, the DataUSA bodies, faults on demand
 * and a log of every request. msw (`msw.ts`) and a real HTTP server (`../fixtureServer.ts`)
 * are two thin front ends over it.
 */
import { makeBlsDirectory, type BlsDirectory } from "./blsDirectory.ts"
import { counted, cutAfter, firstBytes, stallAfter, trickled } from "./bodyStreams.ts"
import { makeDataUsa, type DataUsaPopulation } from "./dataUsa.ts"
import { makeFaultQueue, type Fault } from "./faults.ts"
import { makeRequestLog, type RequestLog, type Route } from "./requestLog.ts"
import type { Target } from "./target.ts"

export interface UpstreamOptions {
  /** Default `https://download.bls.gov/pub/time.series/pr/`. */
  readonly blsBaseUrl?: string
  /** Default DataUSA's tesseract population query. */
  readonly populationUrl?: string
  /** Default `https://datausa.io/api/data?drilldowns=Nation&measures=Population`. */
  readonly legacyPopulationUrl?: string
}

export interface VirtualUpstream {
  /** Answers as the real servers would. Routes on the URL's path alone: see `serves`. */
  readonly handle: (request: Request) => Promise<Response>
  /** Whether this URL's origin is a faked upstream's (any path: unknown ones get 404) — what an interceptor hands to `handle`. */
  readonly serves: (url: string | URL) => boolean
  /** The `pr` survey's directory. */
  readonly bls: BlsDirectory
  /** A second survey beside it (`<root>/cu/`), for runs that mirror several. */
  readonly cu: BlsDirectory
  /** The directory that holds both: `https://download.bls.gov/pub/time.series/`. */
  readonly blsRootUrl: string
  readonly population: DataUsaPopulation
  readonly log: RequestLog
  /** Queues faults for the next requests to `target` (a file name, path or URL), one per request. */
  readonly failNext: (target: Target, faults: ReadonlyArray<Fault>) => void
  /** Back to the fixtures: files, listing, bodies; no faults; an empty log. */
  readonly reset: () => void
}

const STATUS_TEXT: Record<number, string> = {
  429: "Too Many Requests",
  500: "Internal Server Error",
  502: "Bad Gateway",
  503: "Service Unavailable",
  504: "Gateway Timeout",
}

const statusResponse = (fault: Extract<Fault, { kind: "status" }>): Response => {
  const text = STATUS_TEXT[fault.status] ?? "Error"
  const headers: Record<string, string> = { "content-type": "text/html" }
  if (fault.retryAfter !== undefined) headers["retry-after"] = String(fault.retryAfter)
  return new Response(`<html><head><title>${fault.status} ${text}</title></head><body><h1>${text}</h1></body></html>`, {
    status: fault.status,
    statusText: text,
    headers,
  })
}

/** Waits `ms`, or less if the client gives up first. */
const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    if (signal.aborted) return resolve()
    const onAbort = () => {
      clearTimeout(timer)
      resolve()
    }
    const timer = setTimeout(() => {
      signal.removeEventListener("abort", onAbort)
      resolve()
    }, ms)
    signal.addEventListener("abort", onAbort, { once: true })
  })

const notFound = () => new Response("Not Found", { status: 404, headers: { "content-type": "text/plain" } })

export const createUpstream = (options: UpstreamOptions = {}): VirtualUpstream => {
  const bls = makeBlsDirectory(options.blsBaseUrl)
  const blsRootUrl = new URL("../", bls.baseUrl).href
  const cu = makeBlsDirectory(new URL("cu/", blsRootUrl).href)
  const directories = [bls, cu]
  const population = makeDataUsa(options.populationUrl, options.legacyPopulationUrl)
  const faults = makeFaultQueue()
  const log = makeRequestLog()
  const origins = new Set([bls.baseUrl, population.url, population.legacyUrl].map((u) => new URL(u).origin))

  const directoryOf = (url: URL) => directories.find((directory) => directory.owns(url))

  const routeOf = (url: URL): Route => {
    const directory = directoryOf(url)
    if (directory?.isListing(url)) return "bls-listing"
    if (directory !== undefined) return "bls-file"
    const endpoint = population.endpointOf(url)
    return endpoint === "tesseract" ? "population" : endpoint === "legacy" ? "legacy-population" : "unknown"
  }

  const answer = (request: Request, url: URL, route: Route): Response => {
    if (route === "bls-listing" || route === "bls-file") return directoryOf(url)!.respond(request)
    const endpoint = population.endpointOf(url)
    return endpoint ? population.respond(request, endpoint) : notFound()
  }

  const handle = async (request: Request): Promise<Response> => {
    const url = new URL(request.url)
    const route = routeOf(url)
    const fault = faults.take(url)
    const entry = log.record({
      method: request.method,
      url: url.href,
      route,
      userAgent: request.headers.get("user-agent"),
      ifNoneMatch: request.headers.get("if-none-match"),
      ifModifiedSince: request.headers.get("if-modified-since"),
      fault: fault?.kind,
    })
    if (fault?.kind === "delay") await sleep(fault.ms, request.signal)
    // Nobody is listening any more: a network error, which front ends drop quietly.
    if (request.signal.aborted) return Response.error()
    const response = fault?.kind === "status"
      ? statusResponse(fault)
      : fault?.kind === "redirect"
      ? new Response(null, { status: fault.status, headers: { location: fault.location } })
      : answer(request, url, route)
    entry.answered(response.status)
    const headers = new Headers(response.headers)
    if (fault?.kind === "headers") for (const [name, value] of Object.entries(fault.headers)) headers.set(name, value)
    if (!response.body) return new Response(null, { status: response.status, statusText: response.statusText, headers })
    let body: ReadableStream<Uint8Array> = response.body
    if (fault?.kind === "dropMidBody") body = cutAfter(body, fault.afterBytes, "reset")
    if (fault?.kind === "shortBody") body = cutAfter(body, fault.bytes, "close")
    if (fault?.kind === "stall") body = stallAfter(body, fault.afterBytes)
    if (fault?.kind === "trickle") body = trickled(body, fault.bytes, fault.everyMs)
    if (fault?.kind === "contentLength") {
      const real = Number(headers.get("content-length"))
      headers.set("content-length", String(fault.bytes))
      if (fault.bytes < real) body = firstBytes(body, fault.bytes)
    }
    return new Response(counted(body, entry.sent), {
      status: response.status,
      statusText: response.statusText,
      headers,
    })
  }

  return {
    handle,
    serves: (u) => origins.has(new URL(u).origin),
    bls,
    cu,
    blsRootUrl,
    population,
    log,
    failNext: faults.add,
    reset: () => {
      bls.reset()
      cu.reset()
      population.reset()
      faults.clear()
      log.clear()
    },
  }
}
