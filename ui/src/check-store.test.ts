// The check screen's state over a run's progress events, without a page.
import { describe, expect, it } from "vitest";
import { newRun, reduce, type CheckRun } from "./check-store";
import type { Progress } from "./bindings/Progress";
import type { CheckResult } from "./bindings/CheckResult";

const result = (id: CheckResult["id"], status: CheckResult["status"]): CheckResult => ({
  id,
  title: id,
  status,
  summary: `${id} ${status}`,
  details: [],
  advice: null,
  question: null,
  evidence: null,
  offer: null,
});

const run = (events: Progress[]): CheckRun => events.reduce(reduce, newRun("starting"));

describe("a check run's state", () => {
  it("follows the steps that need the mentor, and says what each asked", () => {
    const r = run([
      { kind: "started", id: "mic", message: "Please say: hello" },
      { kind: "started", id: "camera", message: "Looking through your camera…" },
      { kind: "micLevel", level: { rmsDbfs: -22, peakDbfs: -8 } },
      { kind: "finished", result: result("mic", "pass") },
      { kind: "started", id: "speaker", message: "Listen: a chime" },
    ]);
    expect(r.step).toBe("speaker");
    expect(r.steps).toEqual(["mic", "speaker"]);
    expect(r.said.mic).toBe("Please say: hello");
    expect(r.liveMessage).toBe("Looking through your camera…");
    expect(r.level).toBe(-22);
    expect(r.results.mic?.status).toBe("pass");
  });

  it("hands the guide over once the chime has played, whatever finishes around it", () => {
    const r = run([
      { kind: "started", id: "speaker", message: "Listen" },
      { kind: "finished", result: result("network", "pass") },
      { kind: "finished", result: result("speaker", "warn") },
      { kind: "finished", result: result("camera", "fail") },
    ]);
    expect(r.step).toBe("watch");
    expect(Object.keys(r.results).sort()).toEqual(["camera", "network", "speaker"]);
  });

  it("keeps the charts' readings in order and only the speed readings", () => {
    const r = run([
      { kind: "netProbe", probe: { seq: 0, sentMs: 0, rttMs: 21 } },
      { kind: "netProbe", probe: { seq: 1, sentMs: 20, rttMs: null } },
      { kind: "capacity", hdMbps: 1.2, event: { kind: "rate", direction: "up", atMs: 500, mbps: 8 } },
      { kind: "capacity", hdMbps: 1.2, event: { kind: "latency", loaded: true, atMs: 600, rttMs: 30 } },
      { kind: "capacity", hdMbps: 1.2, event: { kind: "rate", direction: "down", atMs: 900, mbps: 40 } },
    ]);
    expect(r.probes.map((p) => p.seq)).toEqual([0, 1]);
    expect(r.speeds).toEqual([
      { up: true, atMs: 500, mbps: 8 },
      { up: false, atMs: 900, mbps: 40 },
    ]);
    expect(r.hdMbps).toBe(1.2);
  });

  it("never changes the run it was given, and starts each run afresh", () => {
    const before = run([{ kind: "notice", text: "Your records were damaged and kept aside." }]);
    const copy = JSON.parse(JSON.stringify(before));
    reduce(before, { kind: "started", id: "mic", message: "Say" });
    expect(before).toEqual(copy);
    expect(before.notice).toContain("kept aside");
    expect(newRun("starting")).toMatchObject({ step: "starting", steps: [], probes: [], results: {} });
  });

  it("keeps what an event did not change, so the page redraws only what did", () => {
    const before = run([
      { kind: "netProbe", probe: { seq: 0, sentMs: 0, rttMs: 21 } },
      { kind: "finished", result: result("mic", "pass") },
    ]);
    const after = reduce(before, { kind: "finished", result: result("camera", "pass") });
    expect(after.probes).toBe(before.probes);
    expect(after.speeds).toBe(before.speeds);
    expect(after.results.mic).toBe(before.results.mic);
    expect(after.results.camera).not.toBe(before.results.camera);
    const latency = reduce(after, {
      kind: "capacity",
      hdMbps: 1.2,
      event: { kind: "latency", loaded: false, atMs: 10, rttMs: 20 },
    });
    expect(latency.speeds).toBe(after.speeds);
  });
});
