/**
 * The taps on a download (count and hash, the same-bytes check, the progress) hold the last
 * chunk back until the body is verified, so a store streaming it on never receives a body
 * that is refused at its end; and a consumer that gives up is not mistaken for the body's end.
 */
import { describe, expect, it } from "vitest"
import { tapStream } from "../../domain/bytes/tapStream.ts"

const bytes = (...values: Array<number>) => new Uint8Array(values)
const source = (chunks: ReadonlyArray<Uint8Array>) =>
  new ReadableStream<Uint8Array>({
    start(controller) {
      for (const chunk of chunks) controller.enqueue(chunk)
      controller.close()
    }
  })

/** What a consumer receives before the stream ends or errors, and how it ended. */
const consume = async (stream: ReadableStream<Uint8Array>) => {
  const received: Array<number> = []
  const reader = stream.getReader()
  try {
    for (let read = await reader.read(); !read.done; read = await reader.read()) received.push(...read.value)
    return { received, error: undefined }
  } catch (error) {
    return { received, error: (error as Error).message }
  }
}

const refusedAtEnd = () => {
  throw new Error("refused at the end")
}

describe("a tapped body", () => {
  it("passes every byte through when its end is accepted, the hooks seeing each chunk once", async () => {
    const seen: Array<number> = []
    let ended = 0
    const tapped = tapStream(source([bytes(1, 2), bytes(3), bytes(4, 5)]), { chunk: (c) => seen.push(c.byteLength), end: () => void ended++ })
    expect(await consume(tapped)).toEqual({ received: [1, 2, 3, 4, 5], error: undefined })
    expect([seen, ended]).toEqual([[2, 1, 2], 1])
  })

  it("refused at its end, never releases its last chunk", async () => {
    const tapped = tapStream(source([bytes(1, 2), bytes(3), bytes(4, 5)]), { end: refusedAtEnd })
    expect(await consume(tapped)).toEqual({ received: [1, 2, 3], error: "refused at the end" })
  })

  it("holds its last chunk back past empty chunks too", async () => {
    const tapped = tapStream(source([bytes(1), bytes(2, 3), new Uint8Array(0), new Uint8Array(0)]), { end: refusedAtEnd })
    expect(await consume(tapped)).toEqual({ received: [1], error: "refused at the end" })
  })

  it("cancelled while a read is pending, is neither ended nor failed, and cancels its source", async () => {
    const calls: Array<string> = []
    let sourceCancelled = false
    // A download that never sends another byte.
    const stalled = new ReadableStream<Uint8Array>({ pull: () => new Promise(() => {}), cancel: () => void (sourceCancelled = true) })
    const tapped = tapStream(stalled, {
      end: () => void calls.push("end"),
      failed: () => void calls.push("failed"),
      cancelled: () => void calls.push("cancelled")
    })
    const reader = tapped.getReader()
    const pending = reader.read()
    // The tap is now waiting on its source.
    await new Promise((resolve) => setTimeout(resolve, 0))
    await reader.cancel(new Error("the store gave up"))
    expect((await pending).done).toBe(true)
    await new Promise((resolve) => setTimeout(resolve, 0))
    expect([calls, sourceCancelled]).toEqual([["cancelled"], true])
  })
})
