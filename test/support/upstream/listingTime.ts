/**
 * Dates as directory listings show them. BLS's IIS server prints its local time
 * (US Eastern) to the minute, while `Last-Modified` carries the same instant in GMT;
 * keeping both true lets a sync that confuses them fail in tests as it would in production.
 */
const ZONE = "America/New_York"

const wallClock = new Intl.DateTimeFormat("en-US", {
  timeZone: ZONE,
  year: "numeric",
  month: "numeric",
  day: "numeric",
  hour: "numeric",
  minute: "2-digit",
  hour12: true,
})

interface WallTime {
  readonly year: number
  readonly month: number
  readonly day: number
  /** 0–23 */
  readonly hour: number
  readonly minute: number
}

const wallTimeOf = (date: Date): WallTime => {
  const part = (type: Intl.DateTimeFormatPartTypes) =>
    wallClock.formatToParts(date).find((p) => p.type === type)?.value ?? ""
  const hour12 = Number(part("hour")) % 12
  return {
    year: Number(part("year")),
    month: Number(part("month")),
    day: Number(part("day")),
    hour: part("dayPeriod").toUpperCase() === "PM" ? hour12 + 12 : hour12,
    minute: Number(part("minute")),
  }
}

/** Parses `M/D/YYYY  H:MM AM` (US Eastern, as in BLS's listing) to an instant. */
export { parseListingTime } from "../../../adapters/offlineUpstream.ts"

/** IIS's two columns: the date right-aligned in 10, the time in 8 (`  6/4/2026  8:30 AM`). */
export const iisListingTime = (date: Date): string => {
  const w = wallTimeOf(date)
  const hour12 = w.hour % 12 === 0 ? 12 : w.hour % 12
  const time = `${hour12}:${String(w.minute).padStart(2, "0")} ${w.hour < 12 ? "AM" : "PM"}`
  return `${`${w.month}/${w.day}/${w.year}`.padStart(10)} ${time.padStart(8)}`
}

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

/** nginx autoindex's column (`04-Jun-2026 12:30`, GMT). */
export const nginxListingTime = (date: Date): string => {
  const two = (n: number) => String(n).padStart(2, "0")
  return `${two(date.getUTCDate())}-${MONTHS[date.getUTCMonth()]}-${date.getUTCFullYear()} ${two(date.getUTCHours())}:${two(date.getUTCMinutes())}`
}
