/** Streaming report text to the store: exactly the UTF-8 bytes of the joined pieces, made once. */
import { describe, expect, it } from "vitest"
import { streamedText } from "../../domain/reports/streamedText.ts"

describe("streamed text", () => {
  it("sends exactly the bytes of the joined pieces, asking for them once", async () => {
    const pieces = ["series_id,year\n", "PRSÉ,2020\n", "—\n", "😀 ok\n", "lone \ud800 surrogate\n", "x".repeat(200_000), ""]
    let made = 0
    const body = streamedText(() => (made++, pieces))
    const bytes = new Uint8Array(await new Response(body).arrayBuffer())
    expect(bytes).toEqual(new TextEncoder().encode(pieces.join("")))
    expect(made).toBe(1)
  })

  it("sends an empty body for no text", async () => {
    expect((await new Response(streamedText(() => [])).arrayBuffer()).byteLength).toBe(0)
  })
})
