// Times and dates in words a mentor reads at a glance, in their clock (12 or 24 hours) and date
// order, as the Rust side writes them (crates/calendar/src/when.rs). Pure: the clock and the
// style are passed in, or the style the app was last told (`setTimeStyle`).
import type { TimeStyle } from "./bindings/TimeStyle";

/** The house style until Rust says the mentor's: 24 hours, the day before the month. */
let current: TimeStyle = { hour12: false, monthFirst: false };

/** The mentor's style, from the settings (the schedule view, or `api.timeStyle()`). */
export function setTimeStyle(style: TimeStyle): void {
  current = style;
}

/** A local time of day: "14:30", or "2:30 PM" on a 12-hour clock (never the webview's own
 * C-locale "9:02:18 PM"). */
export function hhmm(d: Date, style: TimeStyle = current): string {
  const mm = String(d.getMinutes()).padStart(2, "0");
  if (style.hour12) {
    const h = d.getHours() % 12 === 0 ? 12 : d.getHours() % 12;
    return `${h}:${mm} ${d.getHours() < 12 ? "AM" : "PM"}`;
  }
  return `${String(d.getHours()).padStart(2, "0")}:${mm}`;
}

function dayNumber(d: Date): number {
  return Math.floor(new Date(d.getFullYear(), d.getMonth(), d.getDate()).getTime() / 86_400_000);
}

const DAYS = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/** A local day: "Thu 3 Dec", or "Thu, Dec 3" with the month first. */
export function day(d: Date, style: TimeStyle = current): string {
  return style.monthFirst
    ? `${DAYS[d.getDay()]}, ${MONTHS[d.getMonth()]} ${d.getDate()}`
    : `${DAYS[d.getDay()]} ${d.getDate()} ${MONTHS[d.getMonth()]}`;
}

/**
 * The script window's countdown before a session: a minutes-and-seconds countdown in the last
 * hour ("Starts in 12:05"), then hours and minutes the same day ("Starts in 3 h 20 min, at
 * 14:30"), then the day: "Starts tomorrow at 10:00", "Starts on Tue 9 Dec at 10:00". Never a
 * four-digit minute count.
 */
export function startsIn(seconds: number, now: Date, style: TimeStyle = current): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 3600) return `Starts in ${Math.floor(s / 60)}:${String(s % 60).padStart(2, "0")}`;
  const start = new Date(now.getTime() + s * 1000);
  const days = dayNumber(start) - dayNumber(now);
  const at = hhmm(start, style);
  if (days === 0) {
    const m = Math.floor(s / 60);
    return `Starts in ${Math.floor(m / 60)} h ${m % 60} min, at ${at}`;
  }
  if (days === 1) return `Starts tomorrow at ${at}`;
  return `Starts on ${day(start, style)} at ${at}`;
}

/** A local date and time as the rest of the app writes them: "Thu 3 Dec 13:05", or
 * "Thu, Dec 3, 1:05 PM" for a mentor whose computer puts the month first. */
export function dayAndTime(d: Date, style: TimeStyle = current): string {
  return `${day(d, style)}${style.monthFirst ? ", " : " "}${hhmm(d, style)}`;
}
