// Mentor Preflight — the check screen's state, in one place: what the running (or last) check has
// shown so far, changed only by `reduce` from Rust's progress events (a pure function, tested in
// check-store.test.ts), and read by the render functions in main.ts. Nothing here touches the page.
import type { CheckId } from "./bindings/CheckId";
import type { CheckResult } from "./bindings/CheckResult";
import type { Framing } from "./bindings/Framing";
import type { Probe } from "./bindings/Probe";
import type { Progress } from "./bindings/Progress";
import type { SceneAnalysis } from "./bindings/SceneAnalysis";

/** Where the guide beside the preview is. */
export type GuideStep = "ready" | "starting" | "mic" | "speaker" | "watch" | "done" | "question";

/** One speed reading of the capacity probe. */
export interface SpeedReading {
  up: boolean;
  atMs: number;
  mbps: number;
}

/** What a check run has shown so far. */
export interface CheckRun {
  /** The guide's step and its words. */
  step: GuideStep;
  stepText: string;
  /** The steps that needed the mentor, in the order they came, and what each said (a fast
   * microphone step can be over before anyone looks). */
  steps: CheckId[];
  said: Partial<Record<CheckId, string>>;
  /** What the other checks are doing, under the guide. */
  liveMessage: string;
  /** The microphone level last reported, dBFS. */
  level: number | null;
  /** The frame the background and framing checks looked at (in memory only), its busyness map and
   * where the face was. */
  checkFrame: string | null;
  scene: SceneAnalysis | null;
  framing: Framing | null;
  /** Call-quality probes and speed readings for the charts, and the speed HD video needs. */
  probes: Probe[];
  speeds: SpeedReading[];
  hdMbps: number | null;
  /** Results as they finished. */
  results: Partial<Record<CheckId, CheckResult>>;
  /** Something to tell the mentor about their records. */
  notice: string | null;
}

/** The state before any check, and at the start of each. */
export function newRun(step: GuideStep = "ready"): CheckRun {
  return {
    step,
    stepText: step === "starting" ? "Starting…" : "",
    steps: [],
    said: {},
    liveMessage: "",
    level: null,
    checkFrame: null,
    scene: null,
    framing: null,
    probes: [],
    speeds: [],
    hdMbps: null,
    results: {},
    notice: null,
  };
}

/** The run after progress event `p` (a new object; `run` is left as it was). */
export function reduce(run: CheckRun, p: Progress): CheckRun {
  switch (p.kind) {
    case "started":
      // The steps that need the mentor (say, listen) take the guide; the rest report below it.
      if (p.id === "mic" || p.id === "speaker") {
        return {
          ...run,
          step: p.id,
          stepText: p.message,
          steps: [...run.steps, p.id],
          said: { ...run.said, [p.id]: p.message },
        };
      }
      return { ...run, liveMessage: p.message };
    case "micLevel":
      return { ...run, level: p.level.rmsDbfs };
    case "cameraFrame":
      return { ...run, checkFrame: p.preview.dataUrl };
    case "sceneMap":
      return { ...run, scene: p.scene, framing: p.framing };
    case "netProbe":
      return { ...run, probes: [...run.probes, p.probe] };
    case "capacity":
      return {
        ...run,
        hdMbps: p.hdMbps,
        speeds:
          p.event.kind === "rate"
            ? [...run.speeds, { up: p.event.direction === "up", atMs: p.event.atMs, mbps: p.event.mbps }]
            : run.speeds,
      };
    case "notice":
      return { ...run, notice: p.text };
    case "finished": {
      const next = { ...run, results: { ...run.results, [p.result.id]: p.result } };
      // Once the chime has been played, nothing more needs the mentor until the results.
      if (p.result.id === "speaker") {
        next.step = "watch";
        next.stepText = "Nothing more to say or hear: your camera, background and connection are being checked.";
      }
      return next;
    }
  }
}
