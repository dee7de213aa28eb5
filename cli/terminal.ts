/**
 * Where the command writes: results on stdout, logs and progress on stderr. On a
 * terminal, one transient status line (progress) sits at the bottom of stderr; anything
 * else written to stderr clears it first and redraws it after, so lines never mix.
 */
import process from "node:process"

export interface Terminal {
  /** Stderr is a terminal a person watches (progress and human log lines make sense). */
  readonly interactive: boolean
  readonly out: (text: string) => void
  readonly err: (text: string) => void
  /** Shows a transient status line (interactive only); `undefined` removes it. */
  readonly status: (line: string | undefined) => void
}

const CLEAR_LINE = "\r\x1b[2K"

export const processTerminal = (): Terminal => {
  const interactive = process.stderr.isTTY === true
  let current: string | undefined
  const fit = (line: string) => {
    const width = process.stderr.columns || 100
    return line.length < width ? line : `${line.slice(0, Math.max(0, width - 2))}…`
  }
  const draw = () => {
    if (current !== undefined) process.stderr.write(CLEAR_LINE + fit(current))
  }
  const erase = () => {
    if (current !== undefined) process.stderr.write(CLEAR_LINE)
  }
  return {
    interactive,
    out: (text) => {
      erase()
      process.stdout.write(text)
      draw()
    },
    err: (text) => {
      erase()
      process.stderr.write(text)
      draw()
    },
    status: (line) => {
      if (!interactive) return
      erase()
      current = line
      draw()
    }
  }
}
