/**
 * Just enough SVG charting for report.html: linear scales with round ticks, axes with a
 * grid, and the marks the report draws (dots, a line broken at missing points, bars, rules,
 * labels), as SVG text. Hand-made because it measurably wins over Observable Plot drawing
 * into linkedom, which this replaced: with Plot a `quest report` of the fixture cost
 * 0.37–0.43 s of CPU against 0.26–0.29 s without report.html; with this, 0.33–0.36 s
 * against 0.28–0.31 s (best of 8, a loaded machine). And the analytics archive stays at
 * ~270 KB zipped instead of ~545 KB: nothing to load, nothing to bundle.
 */

export interface Scale {
  readonly at: (value: number) => number
  readonly ticks: ReadonlyArray<number>
}

/** Text for an XML or HTML element or quoted attribute (the page uses it too). */
export const escapeXml = (text: string) => text.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;").replaceAll("\"", "&quot;")

/** Round tick values over [min, max], about `count` of them (1, 2 or 5 times a power of ten apart). */
export const niceTicks = (min: number, max: number, count: number): ReadonlyArray<number> => {
  if (!(max > min)) return [min]
  const raw = (max - min) / count
  const power = 10 ** Math.floor(Math.log10(raw))
  const step = [1, 2, 5, 10].map((m) => m * power).find((s) => s >= raw) ?? 10 * power
  const ticks: Array<number> = []
  for (let t = Math.ceil(min / step) * step; t <= max + step * 1e-9; t += step) ticks.push(Number(t.toPrecision(12)))
  return ticks
}

/** Maps [min, max] (widened to round ticks when `nice`) onto the pixel range [from, to]. */
export const linearScale = (
  min: number,
  max: number,
  from: number,
  to: number,
  options: { readonly nice?: boolean; readonly ticks?: number } = {}
): Scale => {
  let lo = max > min ? min : min - 0.5
  let hi = max > min ? max : min + 0.5
  let ticks = niceTicks(lo, hi, options.ticks ?? 6)
  if (options.nice === true && ticks.length > 1) {
    const step = ticks[1]! - ticks[0]!
    lo = Math.floor(lo / step) * step
    hi = Math.ceil(hi / step) * step
    ticks = niceTicks(lo, hi, options.ticks ?? 6)
  }
  return { at: (value) => from + ((value - lo) / (hi - lo)) * (to - from), ticks }
}

export interface Frame {
  readonly width: number
  readonly height: number
  readonly left: number
  readonly right: number
  readonly top: number
  readonly bottom: number
}

export const defaultFrame: Frame = { width: 640, height: 320, left: 64, right: 24, top: 28, bottom: 44 }

/** An `<svg>` with its axes, grid and titles around the marks `body` draws. */
export const chartSvg = (
  frame: Frame,
  x: Scale & { readonly format: (value: number) => string; readonly label: string },
  y: Scale & { readonly format: (value: number) => string; readonly label: string },
  title: string,
  body: ReadonlyArray<string>
): string => {
  const { width, height, left, right, top, bottom } = frame
  const baseline = height - bottom
  const xTicks = x.ticks.map((t) =>
    `<g transform="translate(${x.at(t).toFixed(1)},${baseline})"><line y2="5" stroke="currentColor"/>` +
    `<text y="18" text-anchor="middle">${escapeXml(x.format(t))}</text></g>`
  )
  const yTicks = y.ticks.map((t) =>
    `<g transform="translate(${left},${y.at(t).toFixed(1)})"><line x2="${width - left - right}" stroke="currentColor" stroke-opacity="0.1"/>` +
    `<text x="-8" dy="0.32em" text-anchor="end">${escapeXml(y.format(t))}</text></g>`
  )
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" ` +
    `role="img" aria-label="${escapeXml(title)}" font-family="system-ui, sans-serif" font-size="12" fill="currentColor">`,
    `<g aria-label="y-axis">${yTicks.join("")}<text x="${left - 56}" y="${top - 12}">↑ ${escapeXml(y.label)}</text></g>`,
    `<g aria-label="x-axis"><line x1="${left}" x2="${width - right}" y1="${baseline}" y2="${baseline}" stroke="currentColor"/>` +
    `${xTicks.join("")}<text x="${width - right}" y="${height - 6}" text-anchor="end">${escapeXml(x.label)} →</text></g>`,
    ...body,
    `</svg>`
  ].join("\n")
}

/** A group of marks a reader (and a test) can find by what it shows. */
export const marks = (label: string, description: string, elements: ReadonlyArray<string>, attributes = "") =>
  `<g aria-label="${label}" aria-description="${escapeXml(description)}"${attributes === "" ? "" : ` ${attributes}`}>${elements.join("")}</g>`

export const dot = (cx: number, cy: number, r: number, title: string) =>
  `<circle cx="${cx.toFixed(1)}" cy="${cy.toFixed(1)}" r="${r}"><title>${escapeXml(title)}</title></circle>`

/** A polyline through the points, lifted at every `null`: a missing point is a gap, not a bridge. */
export const brokenLine = (points: ReadonlyArray<readonly [number, number] | null>): string => {
  let d = ""
  let drawing = false
  for (const point of points) {
    if (point === null) {
      drawing = false
      continue
    }
    d += `${drawing ? "L" : "M"}${point[0].toFixed(1)},${point[1].toFixed(1)}`
    drawing = true
  }
  return `<path d="${d}" fill="none" stroke-width="1.5"/>`
}

export const text = (x: number, y: number, content: string, attributes = "") =>
  `<text x="${x.toFixed(1)}" y="${y.toFixed(1)}"${attributes === "" ? "" : ` ${attributes}`}>${escapeXml(content)}</text>`
