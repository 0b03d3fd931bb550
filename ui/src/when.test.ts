// The script window's countdown and the window's own times, in the mentor's clock.
import { describe, expect, it } from "vitest";
import { day, dayAndTime, hhmm, setTimeStyle, startsIn } from "./when";

const UK = { hour12: false, monthFirst: false };
const US = { hour12: true, monthFirst: true };

describe("startsIn", () => {
  const now = new Date(2026, 11, 3, 13, 5, 0); // Thu 3 Dec 13:05, local time

  it("counts minutes and seconds in the last hour", () => {
    expect(startsIn(725, now)).toBe("Starts in 12:05");
    expect(startsIn(59, now)).toBe("Starts in 0:59");
    expect(startsIn(3599, now)).toBe("Starts in 59:59");
  });

  it("says hours and minutes, and the time, later the same day", () => {
    expect(startsIn(3 * 3600 + 25 * 60, now, UK)).toBe("Starts in 3 h 25 min, at 16:30");
    expect(startsIn(3 * 3600 + 25 * 60, now, US)).toBe("Starts in 3 h 25 min, at 4:30 PM");
  });

  it("says tomorrow, never a four-digit minute count", () => {
    // Opened the day before: 20 h 55 min ahead is tomorrow at 10:00.
    const text = startsIn(20 * 3600 + 55 * 60, now, UK);
    expect(text).toBe("Starts tomorrow at 10:00");
    expect(text).not.toMatch(/\d{3,}:/);
    expect(startsIn(20 * 3600 + 55 * 60, now, US)).toBe("Starts tomorrow at 10:00 AM");
  });

  it("names the day further ahead, in the mentor's order", () => {
    expect(startsIn(6 * 86400 - 3 * 3600 - 5 * 60, now, UK)).toBe("Starts on Wed 9 Dec at 10:00");
    expect(startsIn(6 * 86400 - 3 * 3600 - 5 * 60, now, US)).toBe("Starts on Wed, Dec 9 at 10:00 AM");
  });
});

describe("times", () => {
  it("are 24-hour in the house style, with the day as the rest of the app writes it", () => {
    const t = new Date(2026, 11, 3, 21, 2, 18);
    expect(hhmm(t, UK)).toBe("21:02");
    expect(dayAndTime(t, UK)).toBe("Thu 3 Dec 21:02");
    expect(hhmm(new Date(2026, 11, 3, 9, 2), UK)).toBe("09:02");
  });

  it("follow a 12-hour clock and the month first when the mentor's settings say so", () => {
    const t = new Date(2026, 11, 3, 21, 2, 18);
    expect(hhmm(t, US)).toBe("9:02 PM");
    expect(dayAndTime(t, US)).toBe("Thu, Dec 3, 9:02 PM");
    expect(day(t, US)).toBe("Thu, Dec 3");
    // Midnight and noon.
    expect(hhmm(new Date(2026, 11, 3, 0, 5), US)).toBe("12:05 AM");
    expect(hhmm(new Date(2026, 11, 3, 12, 0), US)).toBe("12:00 PM");
  });

  it("use the style the app was last told when none is passed", () => {
    const t = new Date(2026, 11, 3, 21, 2, 18);
    setTimeStyle(US);
    expect(hhmm(t)).toBe("9:02 PM");
    setTimeStyle(UK);
    expect(hhmm(t)).toBe("21:02");
  });
});
