/**
 * Series ids → small integer ids, kept in typed arrays rather than a Map of strings.
 *
 * Why: a large input has tens of thousands of series, and every string or Map entry that
 * lives for the whole run makes V8 grow its young generation (tens of MB of resident memory)
 * while the file streams past. Characters in one growing Uint16Array, offsets in an
 * Int32Array and an open-addressing hash table of ids leave the garbage collector almost
 * nothing to track; the strings are made again only for the results.
 *
 * The characters take one byte each while every name is ASCII (BLS ids are), two once one
 * is not: at a million series that is ~17 MB instead of ~34 MB.
 */
const EMPTY = -1
const utf16 = new TextDecoder("utf-16le")
const ascii = new TextDecoder()

const grow = <A extends Uint16Array<ArrayBuffer> | Int32Array<ArrayBuffer> | Uint8Array<ArrayBuffer>>(array: A, needed: number, make: (n: number) => A): A => {
  if (needed <= array.length) return array
  const grown = make(Math.max(needed, array.length * 2))
  grown.set(array)
  return grown
}

export class SeriesNames {
  chars: Uint8Array<ArrayBuffer> | Uint16Array<ArrayBuffer> = new Uint8Array(16 * 1024)
  charsUsed = 0
  /** starts[id] … starts[id + 1]: the characters of series `id`. */
  starts = new Int32Array(1024 + 1)
  count = 0
  table = new Int32Array(2048).fill(EMPTY)

  get size(): number {
    return this.count
  }

  /** The id of `name`, a new one (equal to the previous `size`) when it was not seen before. */
  intern(name: string): number {
    let hash = 0x811c9dc5
    for (let i = 0; i < name.length; i++) hash = Math.imul(hash ^ name.charCodeAt(i), 0x01000193)
    const mask = this.table.length - 1
    for (let slot = hash & mask;; slot = (slot + 1) & mask) {
      const id = this.table[slot]!
      if (id === EMPTY) {
        this.table[slot] = this.add(name)
        if (this.count * 2 > this.table.length) this.rehash()
        return this.count - 1
      }
      if (this.equals(id, name)) return id
    }
  }

  nameOf(id: number): string {
    // ASCII bytes, or UTF-16 code units: decoding them as such rebuilds the exact string.
    const chars = this.chars.subarray(this.starts[id]!, this.starts[id + 1]!)
    return chars instanceof Uint8Array ? ascii.decode(chars) : utf16.decode(chars)
  }

  /** Code-unit order of two series' ids, the same on every runtime and locale. */
  compare(a: number, b: number): number {
    const chars = this.chars
    let i = this.starts[a]!
    let j = this.starts[b]!
    const endA = this.starts[a + 1]!
    const endB = this.starts[b + 1]!
    for (; i < endA && j < endB; i++, j++) {
      if (chars[i] !== chars[j]) return chars[i]! - chars[j]!
    }
    return endA - i - (endB - j)
  }

  equals(id: number, name: string): boolean {
    const start = this.starts[id]!
    if (this.starts[id + 1]! - start !== name.length) return false
    for (let i = 0; i < name.length; i++) if (this.chars[start + i] !== name.charCodeAt(i)) return false
    return true
  }

  add(name: string): number {
    const id = this.count
    if (this.chars instanceof Uint8Array) {
      let plain = true
      for (let i = 0; i < name.length && plain; i++) plain = name.charCodeAt(i) < 0x80
      if (!plain) this.chars = Uint16Array.from(this.chars)
    }
    const chars = this.chars
    this.chars = chars instanceof Uint8Array
      ? grow(chars, this.charsUsed + name.length, (n) => new Uint8Array(n))
      : grow(chars, this.charsUsed + name.length, (n) => new Uint16Array(n))
    for (let i = 0; i < name.length; i++) this.chars[this.charsUsed + i] = name.charCodeAt(i)
    this.charsUsed += name.length
    this.starts = grow(this.starts, id + 2, (n) => new Int32Array(n))
    this.starts[id + 1] = this.charsUsed
    this.count++
    return id
  }

  rehash(): void {
    this.table = new Int32Array(this.table.length * 2).fill(EMPTY)
    const mask = this.table.length - 1
    for (let id = 0; id < this.count; id++) {
      // Hashed again from the characters rather than kept (4 bytes a series): a rehash is rare.
      let hash = 0x811c9dc5
      for (let i = this.starts[id]!; i < this.starts[id + 1]!; i++) hash = Math.imul(hash ^ this.chars[i]!, 0x01000193)
      let slot = hash & mask
      while (this.table[slot] !== EMPTY) slot = (slot + 1) & mask
      this.table[slot] = id
    }
  }
}

/** A growable byte per id (flags, small numbers), outside the garbage-collected heap. */
export class ByteColumn {
  bytes = new Uint8Array(1024)

  get(id: number): number {
    return id < this.bytes.length ? this.bytes[id]! : 0
  }

  set(id: number, value: number): void {
    this.bytes = grow(this.bytes, id + 1, (n) => new Uint8Array(n))
    this.bytes[id] = value
  }
}
