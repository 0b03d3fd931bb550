// The script window's countdown in words.
import { describe, expect, it } from "vitest";
import { dayAndTime, hhmm, startsIn } from "./when";

describe("startsIn", () => {
  const now = new Date(2026, 11, 3, 13, 5, 0); // Thu 3 Dec 13:05, local time

  it("counts minutes and seconds in the last hour", () => {
    expect(startsIn(725, now)).toBe("Starts in 12:05");
    expect(startsIn(59, now)).toBe("Starts in 0:59");
    expect(startsIn(3599, now)).toBe("Starts in 59:59");
  });

  it("says hours and minutes, and the time, later the same day", () => {
    expect(startsIn(3 * 3600 + 25 * 60, now)).toBe("Starts in 3 h 25 min, at 16:30");
  });

  it("says tomorrow, never a four-digit minute count", () => {
    // Opened the day before: 20 h 55 min ahead is tomorrow at 10:00.
    const text = startsIn(20 * 3600 + 55 * 60, now);
    expect(text).toBe("Starts tomorrow at 10:00");
    expect(text).not.toMatch(/\d{3,}:/);
  });

  it("names the day further ahead", () => {
    expect(startsIn(6 * 86400 - 3 * 3600 - 5 * 60, now)).toBe("Starts on Wed 9 Dec at 10:00");
  });
});

describe("times", () => {
  it("are 24-hour, with the day as the rest of the app writes it", () => {
    const t = new Date(2026, 11, 3, 21, 2, 18);
    expect(hhmm(t)).toBe("21:02");
    expect(dayAndTime(t)).toBe("Thu 3 Dec 21:02");
  });
});
