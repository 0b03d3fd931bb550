// The history charts' geometry: oldest left, today right, the usual from the earlier checks.
import { describe, expect, it } from "vitest";
import { historySeries } from "./history";
import type { HistoryPoint } from "./bindings/HistoryPoint";

function point(minutesAgo: number, up: number | null, rtt: number | null): HistoryPoint {
  return {
    at: new Date(Date.UTC(2026, 11, 6, 12, 0) - minutesAgo * 60_000).toISOString(),
    figures: { rttMs: rtt, jitterMs: null, lossPct: null, upMbps: up, downMbps: null, noiseFloorDbfs: null, wired: true },
  };
}

describe("historySeries", () => {
  // Newest first, as Rust gives it: today 4 Mbps up after four checks at 12.
  const history = [point(0, 4, 20), point(60, 12, 20), point(120, 12, 22), point(180, 12, 18), point(240, 12, 20)];
  const [delay, upload] = historySeries(history, 240, 64, 6);

  it("draws only the figures some check measured", () => {
    expect(historySeries(history, 240, 64).map((s) => s.key)).toEqual(["rttMs", "upMbps"]);
  });

  it("puts the oldest check left and this one right, lower values lower", () => {
    expect(upload.points.map((p) => p.x)).toEqual([6, 63, 120, 177, 234]);
    expect(upload.latest).toBe(4);
    const today = upload.points[upload.points.length - 1];
    expect(today.y).toBeCloseTo(58); // the lowest value at the bottom of the box
    expect(upload.points[0].y).toBeCloseTo(6); // the highest at the top
  });

  it("takes the usual from the earlier checks only, and says it in words", () => {
    expect(upload.usual?.value).toBe(12);
    expect(upload.words).toBe("Upload over your last 5 checks: usually 12.0 Mbps, 4.0 Mbps in this check.");
    expect(delay.usual?.value).toBe(20);
  });

  it("has no usual before three earlier checks", () => {
    const [few] = historySeries([point(0, 4, null), point(60, 12, null), point(120, 12, null)], 240, 64);
    expect(few.usual).toBeNull();
    expect(few.words).toBe("Upload over your last 3 checks: 4.0 Mbps in this check.");
  });
});
