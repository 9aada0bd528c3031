// Times and days as people read them, in UTC: the server knows no reader's time zone, and
// pb_public/hearth.js and hearth-room.js relabel them in the browser's own.
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec']
const LONG_MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December']
const WEEKDAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday']

const pad = (n: number) => String(n).padStart(2, '0')

/** utcLabel is a date and time: "29 Nov 2026, 17:42 UTC". */
export function utcLabel(iso: string): string {
  const d = new Date(iso)
  return `${d.getUTCDate()} ${MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()}, ${utcClock(iso)}`
}

/** utcClock is the time of day only: "17:42 UTC" (the day is said by the day's heading). */
export function utcClock(iso: string): string {
  const d = new Date(iso)
  return `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())} UTC`
}

/** utcDayLabel is a day: "Sunday, 29 November 2026". */
export function utcDayLabel(iso: string): string {
  const d = new Date(iso)
  return `${WEEKDAYS[d.getUTCDay()]}, ${d.getUTCDate()} ${LONG_MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()}`
}
