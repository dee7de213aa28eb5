/**
 * Download progress on a terminal: each body in flight as bytes against its announced
 * size, plus how many downloads finished and how many bytes came in overall.
 *
 * It sits at the HTTP transport (an HttpClient around the real one), counting body bytes
 * as the domain reads them, so the domain needs no progress hooks of its own.
 */
import { Effect, Layer } from "effect"
import { HttpClient, type HttpResponse } from "../domain/http/HttpClient.ts"
import { formatBytes } from "./sizes.ts"
import type { Terminal } from "./terminal.ts"

const REDRAW_EVERY_MS = 100

interface InFlight {
  readonly name: string
  readonly size: number | undefined
  bytes: number
}

const nameOf = (url: string) => {
  const { pathname, hostname } = new URL(url)
  const last = pathname.split("/").pop() ?? ""
  return last === "" ? `${hostname} listing` : decodeURIComponent(last)
}

const sizeOf = (headers: Headers) => {
  const announced = headers.get("content-length")
  return announced !== null && /^\d+$/.test(announced) ? Number(announced) : undefined
}

/** A body that reports each chunk read and how it ended (read to the end, or not). */
const counted = (
  body: ReadableStream<Uint8Array>,
  onChunk: (bytes: number) => void,
  onEnd: (complete: boolean) => void
): ReadableStream<Uint8Array> => {
  const reader = body.getReader()
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        const { done, value } = await reader.read()
        if (done) {
          onEnd(true)
          controller.close()
          return
        }
        onChunk(value.byteLength)
        controller.enqueue(value)
      } catch (error) {
        onEnd(false)
        controller.error(error)
      }
    },
    cancel(reason) {
      onEnd(false)
      return reader.cancel(reason)
    }
  })
}

export interface ProgressBoard {
  readonly track: (response: HttpResponse) => HttpResponse
}

export const makeProgressBoard = (terminal: Terminal, now: () => number = Date.now): ProgressBoard => {
  const inFlight = new Set<InFlight>()
  let finished = 0
  let totalBytes = 0
  let drawnAt = 0

  const line = () => {
    if (inFlight.size === 0) return undefined
    const files = [...inFlight].map((file) =>
      `${file.name} ${formatBytes(file.bytes)}${file.size === undefined ? "" : `/${formatBytes(file.size)}`}`
    )
    return `↓ ${finished} done, ${inFlight.size} downloading, ${formatBytes(totalBytes)} · ${files.join(" · ")}`
  }
  const draw = (force: boolean) => {
    if (!force && now() - drawnAt < REDRAW_EVERY_MS) return
    drawnAt = now()
    terminal.status(line())
  }

  return {
    track: (response) => {
      if (response.body === null || response.status < 200 || response.status >= 300) return response
      const file: InFlight = { name: nameOf(response.url), size: sizeOf(response.headers), bytes: 0 }
      inFlight.add(file)
      draw(true)
      const body = counted(
        response.body,
        (bytes) => {
          file.bytes += bytes
          totalBytes += bytes
          draw(false)
        },
        (complete) => {
          if (!inFlight.delete(file)) return
          if (complete) finished += 1
          draw(true)
        }
      )
      return { ...response, body }
    }
  }
}

/** Wraps `inner` so every download shows on the terminal's status line. */
export const progressHttpLayer = (terminal: Terminal, inner: Layer.Layer<HttpClient>): Layer.Layer<HttpClient> =>
  Layer.effect(
    HttpClient,
    Effect.map(HttpClient, (client) => {
      const board = makeProgressBoard(terminal)
      return HttpClient.of({ send: (request) => Effect.map(client.send(request), board.track) })
    })
  ).pipe(Layer.provide(inner))
