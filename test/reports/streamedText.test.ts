/** Streaming report text to the store: the declared length is the byte count of what is sent. */
import { describe, expect, it } from "vitest"
import { streamedText } from "../../domain/reports/streamedText.ts"

describe("streamed text", () => {
  it("sends exactly the bytes of the joined pieces, and says how many up front", async () => {
    const pieces = ["series_id,year\n", "PRSÉ,2020\n", "—\n", "😀 ok\n", "lone \ud800 surrogate\n", "x".repeat(200_000), ""]
    const { body, contentLength } = streamedText(() => pieces)
    const bytes = new Uint8Array(await new Response(body).arrayBuffer())
    expect(bytes).toEqual(new TextEncoder().encode(pieces.join("")))
    expect(contentLength).toBe(bytes.length)
  })

  it("sends an empty body for no text", async () => {
    const { body, contentLength } = streamedText(() => [])
    expect(contentLength).toBe(0)
    expect((await new Response(body).arrayBuffer()).byteLength).toBe(0)
  })
})
