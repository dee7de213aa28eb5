// C0 and C1 controls, DEL, lone surrogates, and the bidi overrides that reorder a line.
const UNPRINTABLE = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069\ud800-\udfff]/gu

const escape = (char: string) => {
  const code = char.codePointAt(0) ?? 0
  return code <= 0xff ? `\\x${code.toString(16).padStart(2, "0")}` : `\\u${code.toString(16).padStart(4, "0")}`
}

/**
 * Text from upstream (a header, a file name, a reason) made safe to print, so a terminal or
 * a log viewer never receives raw control bytes or an endless line: unprintable characters
 * escaped (`\x1b`), and cut to `max` characters (`…`).
 */
export const printable = (text: string, max = 200): string =>
  (text.length > max ? `${text.slice(0, max)}… (${text.length} chars)` : text).replace(UNPRINTABLE, escape)
