// How far off a start is, in words a mentor reads at a glance. Pure (the clock is passed in).

/** `HH:MM` of a local time: the app's times are 24-hour everywhere, as the Rust side writes
 * them (never the webview's C-locale "9:02:18 PM"). */
export function hhmm(d: Date): string {
  return `${String(d.getHours()).padStart(2, "0")}:${String(d.getMinutes()).padStart(2, "0")}`;
}

function dayNumber(d: Date): number {
  return Math.floor(new Date(d.getFullYear(), d.getMonth(), d.getDate()).getTime() / 86_400_000);
}

const DAYS = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/**
 * The script window's countdown before a session: a minutes-and-seconds countdown in the last
 * hour ("Starts in 12:05"), then hours and minutes the same day ("Starts in 3 h 20 min, at
 * 14:30"), then the day: "Starts tomorrow at 10:00", "Starts on Tue 9 Dec at 10:00". Never a
 * four-digit minute count.
 */
export function startsIn(seconds: number, now: Date): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 3600) return `Starts in ${Math.floor(s / 60)}:${String(s % 60).padStart(2, "0")}`;
  const start = new Date(now.getTime() + s * 1000);
  const days = dayNumber(start) - dayNumber(now);
  if (days === 0) {
    const m = Math.floor(s / 60);
    return `Starts in ${Math.floor(m / 60)} h ${m % 60} min, at ${hhmm(start)}`;
  }
  if (days === 1) return `Starts tomorrow at ${hhmm(start)}`;
  return `Starts on ${DAYS[start.getDay()]} ${start.getDate()} ${MONTHS[start.getMonth()]} at ${hhmm(start)}`;
}

/** A local date and time as the rest of the app writes them: "Thu 3 Dec 13:05". */
export function dayAndTime(d: Date): string {
  return `${DAYS[d.getDay()]} ${d.getDate()} ${MONTHS[d.getMonth()]} ${hhmm(d)}`;
}
