/**
 * Dates as directory listings show them. BLS's IIS server prints its local time
 * (US Eastern) to the minute, while `Last-Modified` carries the same instant in GMT;
 * keeping both true lets a sync that confuses them fail in tests as it would in production.
 */

const wallClock = new Intl.DateTimeFormat("en-US", {
  timeZone: "America/New_York", year: "numeric", month: "numeric", day: "numeric", hour: "numeric", minute: "2-digit", hourCycle: "h23"
})

/** The US Eastern wall clock at `date`, to the minute, as the UTC instant that reads the same. */
const easternWallAsUtc = (date: Date): number => {
  const part = (type: Intl.DateTimeFormatPartTypes) => Number(wallClock.formatToParts(date).find((p) => p.type === type)?.value)
  return Date.UTC(part("year"), part("month") - 1, part("day"), part("hour"), part("minute"))
}

/** Parses `M/D/YYYY  H:MM AM` (US Eastern, as in BLS's listing) to an instant. */
export const parseListingTime = (text: string): Date => {
  const m = /^\s*(\d{1,2})\/(\d{1,2})\/(\d{4})\s+(\d{1,2}):(\d{2})\s*([AP]M)\s*$/i.exec(text)
  if (!m) throw new Error(`not a listing date (want "6/4/2026  8:30 AM"): ${JSON.stringify(text)}`)
  const [, month, day, year, hour, minute, period] = m
  const wall = Date.UTC(Number(year), Number(month) - 1, Number(day), (Number(hour) % 12) + (/pm/i.test(period!) ? 12 : 0), Number(minute))
  // The zone's offset depends on the instant itself (DST): guess, then correct once.
  const offsetAt = (t: number) => easternWallAsUtc(new Date(t)) - t
  return new Date(wall - offsetAt(wall - offsetAt(wall)))
}

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
