/**
 * Dates as directory listings show them. BLS's IIS server prints its local time
 * (US Eastern) to the minute, while `Last-Modified` carries the same instant in GMT;
 * keeping both true lets a sync that confuses them fail in tests as it would in production.
 */
import { easternWallAsUtc } from "../../../adapters/offlineUpstream.ts"

/** Parses `M/D/YYYY  H:MM AM` (US Eastern, as in BLS's listing) to an instant. */
export { parseListingTime } from "../../../adapters/offlineUpstream.ts"

/** IIS's two columns: the date right-aligned in 10, the time in 8 (`  6/4/2026  8:30 AM`). */
export const iisListingTime = (date: Date): string => {
  const wall = new Date(easternWallAsUtc(date))
  const hour = wall.getUTCHours()
  const time = `${hour % 12 === 0 ? 12 : hour % 12}:${String(wall.getUTCMinutes()).padStart(2, "0")} ${hour < 12 ? "AM" : "PM"}`
  return `${`${wall.getUTCMonth() + 1}/${wall.getUTCDate()}/${wall.getUTCFullYear()}`.padStart(10)} ${time.padStart(8)}`
}

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

/** nginx autoindex's column (`04-Jun-2026 12:30`, GMT). */
export const nginxListingTime = (date: Date): string => {
  const two = (n: number) => String(n).padStart(2, "0")
  return `${two(date.getUTCDate())}-${MONTHS[date.getUTCMonth()]}-${date.getUTCFullYear()} ${two(date.getUTCHours())}:${two(date.getUTCMinutes())}`
}
