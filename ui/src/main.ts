// Mentor Preflight — the pre-flight screen.
// Types come from Rust (ts-rs, in ./bindings); never copy them by hand.
import { Channel } from "@tauri-apps/api/core";
import * as api from "./api";
import { on, type EventName } from "./events";
import "./style.css";
import type { CheckOptions } from "./bindings/CheckOptions";
import type { CheckGuide } from "./bindings/CheckGuide";
import type { CheckResult } from "./bindings/CheckResult";
import type { Progress } from "./bindings/Progress";
import type { Report } from "./bindings/Report";
import type { Status } from "./bindings/Status";
import type { CheckId } from "./bindings/CheckId";
import type { PreviewFrame } from "./bindings/PreviewFrame";
import type { CameraChoice } from "./bindings/CameraChoice";
import type { SceneAnalysis } from "./bindings/SceneAnalysis";
import type { Framing } from "./bindings/Framing";
import type { Settings } from "./bindings/Settings";
import type { ListenEvent } from "./bindings/ListenEvent";
import { showView } from "./views";
import { hhmm } from "./when";
import { drawHistory } from "./history";
import { newRun, reduce, type CheckRun, type GuideStep } from "./check-store";

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;

const runButton = $<HTMLButtonElement>("run-check");
const live = $<HTMLElement>("live");
const liveMessage = $<HTMLElement>("live-message");
const meter = $<HTMLElement>("mic-meter");
const meterFill = $<HTMLElement>("mic-meter-fill");
const meterValue = $<HTMLElement>("mic-meter-value");
const overall = $<HTMLElement>("overall");
const guide = $<HTMLElement>("guide");
const guideStep = $<HTMLElement>("guide-step");
const guideQuestion = $<HTMLElement>("guide-question");
const meterNote = $<HTMLElement>("meter-note");
const meterRow = $<HTMLElement>("mic-meter-row");
const hearButton = $<HTMLButtonElement>("hear-yourself");
const hearStatus = $<HTMLElement>("hear-status");
const results = $<HTMLUListElement>("results");

const micSelect = $<HTMLSelectElement>("mic-select");
const speakerSelect = $<HTMLSelectElement>("speaker-select");
const cameraSelect = $<HTMLSelectElement>("camera-select");
const settingsNotice = $<HTMLElement>("settings-notice");
const previewFigure = $<HTMLElement>("preview-figure");
const previewImg = $<HTMLImageElement>("camera-preview");

/** What Rust says about the checks: their order and titles, verdict words, the meter's bands and
 * what a check measures. Asked for once; everything below shows it instead of restating it. */
const guideReady: Promise<CheckGuide> = api.checkGuide();
let guideNow: CheckGuide | null = null;
void guideReady.then((g) => (guideNow = g));

function titleOf(id: CheckId): string {
  return guideNow?.checks.find((c) => c.id === id)?.title ?? id;
}

function statusOf(s: Status): { words: string; icon: string } {
  return guideNow?.statuses.find((i) => i.status === s) ?? { words: s, icon: "" };
}

function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  cls?: string,
  text?: string,
): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined) e.textContent = text;
  return e;
}

/** A placeholder card for a check that is waiting or running. */
function pendingCard(id: CheckId): HTMLLIElement {
  const li = el("li", "card pending");
  li.dataset.checkId = id;
  li.dataset.status = "running";
  const head = el("div", "card-head");
  head.append(el("span", "badge running", "…"), el("h3", "card-title", titleOf(id)));
  li.append(head, el("p", "summary", "Waiting…"));
  return li;
}

const SVG_NS = "http://www.w3.org/2000/svg";

/** An SVG element with `attrs` (and `text`). */
function node(tag: string, attrs: Record<string, string>, text?: string): Element {
  const e = document.createElementNS(SVG_NS, tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  if (text) e.textContent = text;
  return e;
}

/** What the running (or last) check has shown: changed only by `reduce` (check-store.ts) from
 * Rust's progress events, read by the render functions below. */
let checkRun: CheckRun = newRun();

/** The checked frame with the busyness map over it: redder cells are busier. */
function sceneMap(frame: string, s: SceneAnalysis): HTMLElement {
  const fig = el("figure", "scene-map");
  const box = el("div", "scene-box");
  const img = el("img");
  img.src = frame;
  img.alt = "The picture the background check looked at";
  const grid = el("div", "scene-grid");
  paintGrid(grid, s);
  box.append(img, grid);
  fig.append(
    box,
    el(
      "figcaption",
      undefined,
      s.backgroundMask
        ? "Red shows where the background is busy. You are left out: only what is behind you counts."
        : "Red shows where the picture is busy. We could not find you in it, so all of it counts.",
    ),
  );
  return fig;
}

const SVG = "http://www.w3.org/2000/svg";

/**
 * The framing guide: the line a third of the way down where the eyes should be, and a box
 * around the face that was found (white while live; after a check green when the framing is
 * fine, amber otherwise).
 */
function framingGuide(svg: SVGSVGElement, f: Framing | null, tone: "live" | "fine" | "warn") {
  svg.setAttribute("viewBox", "0 0 100 100");
  svg.setAttribute("preserveAspectRatio", "none");
  const line = document.createElementNS(SVG, "line");
  line.setAttribute("x1", "0");
  line.setAttribute("x2", "100");
  line.setAttribute("y1", "33.3");
  line.setAttribute("y2", "33.3");
  line.setAttribute("class", "guide-eyes");
  const parts: SVGElement[] = [line];
  if (f) {
    const r = document.createElementNS(SVG, "rect");
    r.setAttribute("x", (f.face.left * 100).toFixed(1));
    r.setAttribute("y", (f.face.top * 100).toFixed(1));
    r.setAttribute("width", (f.face.width * 100).toFixed(1));
    r.setAttribute("height", (f.face.height * 100).toFixed(1));
    r.setAttribute("rx", "2");
    r.setAttribute("class", `guide-face ${tone}`);
    parts.push(r);
  }
  svg.replaceChildren(...parts);
  svg.dataset.face = f ? "found" : "none";
}

/** The checked frame with the framing guide over it. */
function framingFigure(frame: string, f: Framing | null, fine: boolean): HTMLElement {
  const fig = el("figure", "scene-map framing-map");
  const box = el("div", "scene-box");
  const img = el("img");
  img.src = frame;
  img.alt = "The picture the framing check looked at";
  const svg = document.createElementNS(SVG, "svg") as SVGSVGElement;
  svg.setAttribute("class", "framing-guide");
  svg.setAttribute("aria-hidden", "true");
  framingGuide(svg, f, fine ? "fine" : "warn");
  box.append(img, svg);
  fig.append(
    box,
    el(
      "figcaption",
      undefined,
      "The dashed line is where your eyes look best, about a third of the way down. The box shows where we found your face.",
    ),
  );
  return fig;
}

/** Draws the round-trip time of each probe; lost probes are red marks along the top. */
function drawChart(svg: SVGSVGElement) {
  const W = 400, H = 120, PAD = 40;
  const rtts = checkRun.probes.map((p) => p.rttMs).filter((r): r is number => r !== null);
  const max = Math.max(50, ...rtts.map((r) => r * 1.2));
  const count = Math.max(40, ...checkRun.probes.map((p) => p.seq + 1));
  const x = (seq: number) => PAD + ((W - PAD - 4) * seq) / Math.max(1, count - 1);
  const y = (ms: number) => H - 14 - ((H - 34) * Math.min(ms, max)) / max;
  const parts: Element[] = [
    node("line", { x1: String(PAD), y1: String(H - 14), x2: String(W), y2: String(H - 14), class: "axis" }),
    node("text", { x: "0", y: String(y(max) + 8), class: "tick" }, `${Math.round(max)} ms`),
    node("text", { x: "0", y: String(H - 14), class: "tick" }, "0"),
  ];
  const answered = checkRun.probes.filter((p) => p.rttMs !== null).sort((a, b) => a.seq - b.seq);
  if (answered.length > 1) {
    parts.push(node("polyline", { class: "rtt-line", points: answered.map((p) => `${x(p.seq)},${y(p.rttMs!)}`).join(" ") }));
  }
  for (const p of checkRun.probes) {
    parts.push(
      p.rttMs === null
        ? node("text", { x: String(x(p.seq) - 3), y: "12", class: "lost" }, "×")
        : node("circle", { cx: String(x(p.seq)), cy: String(y(p.rttMs)), r: "2.2", class: "rtt-dot" }),
    );
  }
  svg.replaceChildren(...parts);
  svg.dataset.probes = String(checkRun.probes.length);
}


/**
 * Draws upload and download speed as they are measured, on a log scale from 0.1 to 100 Mbps,
 * with a dashed guide at the speed HD video needs.
 */
function drawSpeedChart(svg: SVGSVGElement) {
  const W = 400, H = 120, PAD = 44;
  const lo = Math.log10(0.1), hi = Math.log10(100);
  const end = Math.max(4000, ...checkRun.speeds.map((s) => s.atMs));
  const start = Math.min(...checkRun.speeds.map((s) => s.atMs), end);
  const x = (ms: number) => PAD + ((W - PAD - 4) * (ms - start)) / Math.max(1, end - start);
  const y = (mbps: number) => {
    const v = (Math.log10(Math.max(0.1, Math.min(100, mbps))) - lo) / (hi - lo);
    return H - 14 - (H - 24) * v;
  };
  const parts: Element[] = [
    node("line", { x1: String(PAD), y1: String(H - 14), x2: String(W), y2: String(H - 14), class: "axis" }),
    node("text", { x: "0", y: String(y(100) + 8), class: "tick" }, "100 Mbps"),
    node("text", { x: "0", y: String(y(10) + 3), class: "tick" }, "10"),
    node("text", { x: "0", y: String(y(1) + 3), class: "tick" }, "1"),
    node("text", { x: "0", y: String(H - 14), class: "tick" }, "0.1"),
  ];
  if (checkRun.hdMbps !== null) {
    parts.push(
      node("line", { x1: String(PAD), y1: String(y(checkRun.hdMbps)), x2: String(W), y2: String(y(checkRun.hdMbps)), class: "hd-line" }),
      node("text", { x: String(W - 60), y: String(y(checkRun.hdMbps) - 3), class: "tick" }, "HD video"),
    );
  }
  for (const up of [false, true]) {
    const pts = checkRun.speeds.filter((s) => s.up === up);
    if (pts.length > 1) {
      parts.push(node("polyline", { class: up ? "speed-up" : "speed-down", points: pts.map((s) => `${x(s.atMs)},${y(s.mbps)}`).join(" ") }));
    }
  }
  svg.replaceChildren(...parts);
  svg.dataset.readings = String(checkRun.speeds.length);
}

/** A chart figure for a result card: an SVG labelled `label`, drawn by `draw`. */
function chartFigure(label: string, draw: (svg: SVGSVGElement) => void): HTMLElement {
  const fig = el("figure", "chart");
  const svg = document.createElementNS(SVG_NS, "svg") as SVGSVGElement;
  svg.setAttribute("viewBox", "0 0 400 120");
  svg.setAttribute("role", "img");
  svg.setAttribute("aria-label", label);
  draw(svg);
  fig.append(svg);
  return fig;
}

/** The speed chart with its legend, for the capacity card. */
function speedFigure(): HTMLElement {
  const fig = chartFigure("Upload and download speed while they were measured", drawSpeedChart);
  const cap = el("figcaption");
  cap.append(el("span", "legend-down", "■ download"), document.createTextNode(" "), el("span", "legend-up", "■ upload"), document.createTextNode(" — above the dashed line is enough for HD video"));
  fig.append(cap);
  return fig;
}

/** The offer to switch to the microphone that heard the mentor better: one press chooses it here
 * (saved, and the meter moves to it), and says to choose the same one in the meeting app. */
function useMicrophoneOffer(name: string): HTMLElement {
  const box = el("div", "offer");
  const button = el("button", "secondary offer-use-mic", `Use "${name}"`);
  button.type = "button";
  const said = el("p", "offer-done");
  said.setAttribute("role", "status");
  button.addEventListener("click", () => {
    if (![...micSelect.options].some((o) => o.value === name)) {
      const o = el("option", undefined, name);
      o.value = name;
      micSelect.append(o);
    }
    micSelect.value = name;
    micSelect.dispatchEvent(new Event("change"));
    button.hidden = true;
    said.textContent = `"${name}" is now your microphone here. Choose it in your meeting app too, then run the check again.`;
    runButton.focus();
  });
  box.append(button, said);
  return box;
}

/** The report on screen, kept so answers to questions can be settled by Rust. */
let currentReport: Report | null = null;

/** The card for a finished check: verdict, what we found, how to fix it, the figures. */
function resultCard(r: CheckResult): HTMLLIElement {
  const li = el("li", `card ${r.status}`);
  li.tabIndex = -1;
  li.dataset.checkId = r.id;
  li.dataset.status = r.status;
  const head = el("div", "card-head");
  const badge = el("span", `badge ${r.status}`, statusOf(r.status).icon);
  badge.setAttribute("aria-hidden", "true");
  head.append(badge, el("h3", "card-title", r.title), el("span", `status-word ${r.status}`, statusOf(r.status).words));
  li.append(head, el("p", "summary", r.summary));
  if (r.advice) {
    const advice = el("p", "advice");
    advice.append(el("strong", undefined, "How to fix: "), document.createTextNode(r.advice));
    li.append(advice);
  }
  if (r.offer?.kind === "useMicrophone") li.append(useMicrophoneOffer(r.offer.name));
  if (r.question) {
    const q = el("div", "question");
    q.setAttribute("role", "group");
    q.setAttribute("aria-label", r.question);
    const yes = el("button", "secondary question-yes", "Yes, I heard it");
    const no = el("button", "secondary question-no", "No, I didn't");
    yes.type = no.type = "button";
    yes.addEventListener("click", () => void answer(r.id, true));
    no.addEventListener("click", () => void answer(r.id, false));
    q.append(el("p", "question-text", r.question), yes, no);
    li.append(q);
  }
  if (r.id === "background" && checkRun.checkFrame && checkRun.scene) {
    li.append(sceneMap(checkRun.checkFrame, checkRun.scene));
  }
  if (r.id === "framing" && checkRun.checkFrame && r.status !== "skipped") {
    li.append(framingFigure(checkRun.checkFrame, checkRun.framing, r.status === "pass"));
  }
  if (r.id === "quality" && checkRun.probes.length > 0) {
    li.append(chartFigure("Round-trip time of each test packet", drawChart));
  }
  if (r.id === "capacity" && checkRun.speeds.length > 0) {
    li.append(speedFigure());
  }
  if (r.details.length > 0) {
    const det = el("details", "figures");
    det.append(el("summary", undefined, "Measurements"));
    const dl = el("dl");
    for (const d of r.details) {
      dl.append(el("dt", undefined, d.label), el("dd", undefined, d.text));
    }
    det.append(dl);
    li.append(det);
  }
  return li;
}

function setCard(card: HTMLLIElement) {
  const old = results.querySelector(`[data-check-id="${card.dataset.checkId}"]`);
  if (old) old.replaceWith(card);
  else results.append(card);
}

function setMeter(dbfs: number) {
  const clamped = Math.max(-60, Math.min(0, dbfs));
  meterFill.style.width = `${((clamped + 60) / 60) * 100}%`;
  const { loudDbfs, goodDbfs, quietDbfs } = guideNow?.meter ?? { loudDbfs: 0, goodDbfs: -100, quietDbfs: -100 };
  meterFill.classList.toggle("loud", dbfs > loudDbfs);
  meterFill.classList.toggle("good", dbfs >= goodDbfs && dbfs <= loudDbfs);
  meter.setAttribute("aria-valuenow", clamped.toFixed(0));
  // Words for the mentor; the figure stays in the tooltip.
  meterValue.textContent = dbfs > loudDbfs ? "Too loud" : dbfs >= goodDbfs ? "Good" : dbfs >= quietDbfs ? "Quiet" : "Silent";
  meterValue.title = `${dbfs.toFixed(0).replace("-", "−")} dBFS`;
  // The loudest reading of this run, kept for the result card and for tests.
  if (!checking) return;
  const loudest = Number(meter.dataset.loudest ?? "-120");
  if (dbfs > loudest) meter.dataset.loudest = dbfs.toFixed(1);
}

/** Whether the microphone meter listens now (outside the check and *hear yourself*). */
let meterOn = false;
/** Whether *hear yourself* is recording or playing. */
let hearing = false;

/** The always-on microphone meter, while the check screen is in front. */
async function startMeter() {
  if (checking || hearing || document.hidden || document.body.dataset.view !== "check" || !guideQuestion.hidden) return;
  const onEvent = new Channel<ListenEvent>();
  onEvent.onmessage = (e) => {
    if (e.kind === "level") setMeter(e.rmsDbfs);
    else if (e.kind === "problem") {
      meterOn = false;
      meterNote.textContent = `The microphone meter stopped: ${e.message}`;
    }
  };
  meterOn = true;
  meterNote.textContent = "Speak: the bar should reach the marked band.";
  try {
    await api.micMeterStart(deviceChoices().mic, onEvent);
    meter.dataset.listening = String(meterOn);
  } catch (e) {
    meterOn = false;
    meter.dataset.listening = "false";
    meterNote.textContent = String(e);
  }
}

async function stopMeter() {
  if (!meterOn) return;
  meterOn = false;
  meter.dataset.listening = "false";
  await api.micMeterStop().catch(() => undefined);
}

/** *Hear yourself*: a few seconds recorded and played straight back (in memory only). */
async function hearYourself() {
  if (checking || hearing) return;
  hearing = true;
  hearButton.disabled = true;
  meterOn = false;
  const onEvent = new Channel<ListenEvent>();
  onEvent.onmessage = (e) => {
    if (e.kind === "level") setMeter(e.rmsDbfs);
    else if (e.kind === "recording") hearStatus.textContent = `Recording for ${e.seconds.toFixed(0)} seconds: say something…`;
    else if (e.kind === "playing") hearStatus.textContent = "Playing it back: this is how you sound.";
  };
  try {
    const d = deviceChoices();
    const o = await api.hearYourself(d.mic, d.speaker, onEvent);
    hearStatus.dataset.loudest = o.loudestDbfs.toFixed(1);
    hearStatus.textContent =
      o.loudestDbfs < (await guideReady).meter.quietDbfs
        ? "We heard almost nothing. Is the microphone muted, or is another one chosen below?"
        : `That was you, played on ${o.speaker}. Nothing was kept.`;
  } catch (e) {
    hearStatus.textContent = `Could not record or play: ${String(e)}`;
  } finally {
    hearing = false;
    hearButton.disabled = false;
    void startMeter();
  }
}
hearButton.addEventListener("click", () => void hearYourself());

function showOverall(report: Report) {
  const count = (s: Status) => report.checks.filter((c) => c.status === s).length;
  const fails = count("fail");
  const warns = count("warn");
  overall.hidden = false;
  overall.className = `overall ${report.overall}`;
  overall.dataset.status = report.overall;
  const title =
    report.overall === "fail"
      ? `Not ready yet: ${fails} ${fails === 1 ? "problem" : "problems"} to fix`
      : report.overall === "warn"
        ? `Nearly ready: ${warns} ${warns === 1 ? "thing" : "things"} to look at`
        : "Ready for your session";
  overall.replaceChildren(
    el("h2", "overall-title", title),
    el("p", undefined, `Checked ${hhmm(new Date(report.startedAt))} · took ${(report.durationMs / 1000).toFixed(1)} s`),
  );
}

/** Items the mentor ticked (kept across checks in this window). */
const ticked = new Set<string>();

async function tick(id: string, on: boolean) {
  if (on) ticked.add(id);
  else ticked.delete(id);
  if (!currentReport) return;
  try {
    const r = await api.checklistUpdate([...ticked]);
    currentReport = r;
    showChecklist(r);
    document.querySelector<HTMLInputElement>(`#checklist-items input[data-item="${id}"]`)?.focus();
  } catch (e) {
    settingsNotice.hidden = false;
    settingsNotice.textContent = String(e);
  }
}

async function focusButton(): Promise<HTMLElement | null> {
  const f = await api.focusStatus();
  const note = $<HTMLElement>("focus-note");
  if (!f.supported) {
    note.hidden = false;
    note.textContent = f.message;
    return null;
  }
  if (f.on) return null;
  const b = el("button", "secondary", "Silence notifications now");
  b.type = "button";
  b.addEventListener("click", async () => {
    try {
      await api.focusSet(true);
      await tick("notifications", ticked.has("notifications"));
    } catch (e) {
      note.hidden = false;
      note.textContent = String(e);
    }
  });
  return b;
}

function showChecklist(report: Report) {
  const section = $<HTMLElement>("checklist");
  const items = report.checklist;
  section.hidden = items.length === 0;
  const met = items.filter((i) => i.state === "met").length;
  const evidenced = items.filter((i) => i.basis === "evidence").length;
  const general = items.some((i) => i.general)
    ? " Items marked general advice are good practice from the mentoring codes that your programme's own code does not spell out."
    : "";
  $<HTMLElement>("checklist-tally").textContent =
    `${met} of ${items.length} met · ${evidenced} shown by the check, the rest are for you to confirm.${general}`;
  const list = $<HTMLUListElement>("checklist-items");
  list.replaceChildren(
    ...items.map((i) => {
      const li = el("li", `item ${i.state} ${i.basis}`);
      li.dataset.item = i.id;
      li.dataset.state = i.state;
      li.dataset.basis = i.basis;
      if (i.basis === "declared") {
        const label = el("label");
        const box = el("input");
        box.type = "checkbox";
        box.dataset.item = i.id;
        box.checked = i.state === "met";
        box.addEventListener("change", () => void tick(i.id, box.checked));
        label.append(box, el("span", "item-text", i.text));
        li.append(label, el("span", "item-basis", i.general ? "you confirm · general advice" : "you confirm"));
        // What the check saw when it could not settle it (a background that may distract).
        if (i.why !== "Tick this yourself: the check cannot see it." && i.why !== "You confirmed this.") {
          li.append(el("span", "item-why", i.why));
        }
      } else {
        const icon = i.state === "met" ? "✔" : "✕";
        li.append(
          el("span", "item-icon", icon),
          el("span", "item-text", i.text),
          el("span", "item-basis", i.general ? "checked · general advice" : "checked"),
        );
        li.append(el("span", "item-why", i.why));
      }
      if (i.id === "notifications" && i.state !== "met") {
        void focusButton().then((b) => b && li.append(b));
      }
      return li;
    }),
  );
}

function showReport(report: Report) {
  currentReport = report;
  for (const c of report.checks) setCard(resultCard(c));
  showOverall(report);
  showChecklist(report);
  void showHistory(report);
}

/** What is unlike the mentor's usual in this check (Rust's sentences), and their last checks
 * as small charts. */
async function showHistory(report: Report) {
  const section = $<HTMLElement>("history");
  const history = await api.checkHistory().catch(() => []);
  drawHistory(section, history);
  const list = $<HTMLElement>("compared");
  if (report.compared.length > 0) {
    list.replaceChildren(...report.compared.map((t) => el("li", "compared-unusual", t)));
  } else if (history.length >= 4) {
    list.replaceChildren(el("li", "compared-same", "Nothing unusual: this check is like your last ones."));
  } else {
    list.replaceChildren();
  }
  section.hidden = history.length < 2 && report.compared.length === 0;
}

/** Sends the mentor's answer to Rust, which settles the verdict and the overall status. */
async function answer(id: CheckId, yes: boolean) {
  if (!currentReport) return;
  if (guideAsks === id) {
    endQuestion();
    setStep("done", "Thank you. Your results are below.");
    void startMeter();
  }
  showReport(await api.answerQuestion(id, yes));
  results.querySelector<HTMLElement>(`[data-check-id="${id}"]`)?.focus();
}

function fillSelect(select: HTMLSelectElement, names: { name: string; isDefault: boolean }[], chosen: string | null) {
  const first = select.options[0];
  select.replaceChildren(first);
  for (const d of names) {
    const o = el("option", undefined, d.isDefault ? `${d.name} (system default)` : d.name);
    o.value = d.name;
    select.append(o);
  }
  if (chosen && !names.some((d) => d.name === chosen)) {
    // A remembered device that is not plugged in now: keep it visible, marked.
    const o = el("option", undefined, `${chosen} (not connected)`);
    o.value = chosen;
    select.append(o);
  }
  select.value = chosen ?? "";
}

/** Paints the busyness map into a grid of cells laid over a picture. */
function paintGrid(grid: HTMLElement, s: SceneAnalysis) {
  grid.style.gridTemplateColumns = `repeat(${s.cols}, 1fr)`;
  grid.style.gridTemplateRows = `repeat(${s.rows}, 1fr)`;
  // The tint is drawn through the background mask: never over the person.
  const mask = s.backgroundMask ? `url("${s.backgroundMask}")` : "none";
  grid.style.setProperty("-webkit-mask-image", mask);
  grid.style.setProperty("mask-image", mask);
  grid.dataset.masked = s.backgroundMask ? "person" : "none";
  grid.replaceChildren(
    ...s.grid.map((density) => {
      const cell = el("div", "scene-cell");
      // Fully tinted at the top of the busyness score's edge scale (Rust says where that is).
      // (No tint in the moment before the guide has come.)
      const share = guideNow ? Math.min(1, density / guideNow.busyCellFull) : 0;
      cell.style.backgroundColor = `rgba(220, 38, 38, ${(share * 0.6).toFixed(2)})`;
      cell.dataset.density = density.toFixed(3);
      return cell;
    }),
  );
}

const previewGrid = $<HTMLElement>("preview-grid");
const showBusy = $<HTMLInputElement>("show-busy");
const previewCaption = $<HTMLElement>("preview-caption");
/** The map on or off, and the caption saying which picture it is: the red is only ever ours. */
function showBusyMap() {
  previewGrid.hidden = !showBusy.checked;
  previewCaption.textContent = showBusy.checked
    ? "Red marks the busy areas behind you. Your mentee sees your picture without the red. It stays on this computer."
    : "This is what your mentee will see. It stays on this computer.";
}
showBusy.addEventListener("change", showBusyMap);

const previewGuide = document.getElementById("preview-guide") as unknown as SVGSVGElement;

function showPreview(f: PreviewFrame) {
  if (f.scene) {
    framingGuide(previewGuide, f.framing, "live");
    // Only when the words change, so a screen reader is not told the same thing twice a second.
    const coach = $<HTMLElement>("preview-framing");
    const said = f.framingWords ?? "";
    if (coach.textContent !== said) coach.textContent = said;
    paintGrid(previewGrid, f.scene);
    showBusyMap();
    const words = $<HTMLElement>("preview-busy");
    words.textContent = f.sceneWords ?? "";
    words.dataset.score = f.scene.score.toFixed(0);
  }
  previewImg.src = f.dataUrl;
  previewImg.alt = `Live picture from ${f.source}`;
  previewFigure.hidden = false;
  // A picture has come: the preview takes the wide column beside the guide.
  $<HTMLElement>("check-grid").classList.remove("no-preview");
  previewFigure.dataset.frames = String(Number(previewFigure.dataset.frames ?? "0") + 1);
}

function cameraChoice(): CameraChoice {
  return cameraSelect.value ? { kind: "named", value: cameraSelect.value } : { kind: "default" };
}

let checking = false;

/** Starts (or restarts) the live preview of the chosen camera; Rust stops the previous one. */
async function startPreview() {
  if (checking || document.hidden) return;
  const onFrame = new Channel<PreviewFrame>();
  onFrame.onmessage = showPreview;
  await api.startPreview(cameraChoice(), onFrame);
}

async function stopPreview() {
  await api.stopPreview();
}

/** The device choices on screen (`null`: the system's default). Only these are saved from here. */
function deviceChoices(): Pick<Settings, "mic" | "speaker" | "camera"> {
  const v = (s: HTMLSelectElement) => (s.value === "" ? null : s.value);
  return { mic: v(micSelect), speaker: v(speakerSelect), camera: v(cameraSelect) };
}

/** The script form's "Your first name" from the settings, unless the mentor typed another
 * there; again whenever the settings change it (the first-run card), without a restart. */
function fillMentorName(name: string | null) {
  const input = document.getElementById("script-mentor") as HTMLInputElement | null;
  if (!input || !name) return;
  if (!input.value || input.dataset.fromSettings === input.value) {
    input.value = name;
    input.dataset.fromSettings = name;
  }
}
document.addEventListener("programme-changed", () => {
  void api.getSettings().then((v) => fillMentorName(v.settings.mentorName));
});

async function loadDevices() {
  const [view, devices] = await Promise.all([
    api.getSettings(),
    api.listDevices(),
  ]);
  fillMentorName(view.settings.mentorName);
  fillSelect(micSelect, devices.audio.inputs, view.settings.mic);
  fillSelect(speakerSelect, devices.audio.outputs, view.settings.speaker);
  fillSelect(cameraSelect, devices.cameras.map((c) => ({ name: c.name, isDefault: false })), view.settings.camera);
  const notes = [view.notice, devices.audioError, devices.cameraError].filter((n): n is string => !!n);
  if (devices.cameras.length === 0 && !devices.cameraError) notes.push("No camera was found.");
  settingsNotice.hidden = notes.length === 0;
  settingsNotice.textContent = notes.join(" ");
  document.getElementById("devices")!.dataset.loaded = "true";
  void startPreview();
}

async function saveChoice() {
  try {
    const d = deviceChoices();
    await api.saveDevices(d.mic, d.speaker, d.camera);
  } catch (e) {
    settingsNotice.hidden = false;
    settingsNotice.textContent = String(e);
  }
}

/** The guide beside the preview, from the run's state: its step, its words, and the steps so far
 * with what each said (tests read these; a fast microphone step can be over before anyone looks). */
function showGuide(r: CheckRun) {
  guide.dataset.step = r.step;
  guideStep.textContent = r.stepText;
  guide.dataset.steps = r.steps.join(" ");
  if (r.said.mic !== undefined) guide.dataset.saidMic = r.said.mic;
  else delete guide.dataset.saidMic;
  if (r.said.speaker !== undefined) guide.dataset.saidSpeaker = r.said.speaker;
  else delete guide.dataset.saidSpeaker;
}

/** Moves the guide to `step` (the state first, then the page). */
function setStep(step: GuideStep, text: string) {
  checkRun = { ...checkRun, step, stepText: text };
  showGuide(checkRun);
}

const checkProgress = $<HTMLElement>("check-progress");

/** Tells a screen reader (a polite live region) that one part of the running check has
 * finished, how it went, and how many are done; `data-said` keeps the ids in order for tests. */
function announcePart(c: CheckResult, done: number, total: number) {
  checkProgress.textContent = `${c.title}: ${statusOf(c.status).words}. ${done} of ${total} done.`;
  checkProgress.dataset.said = [checkProgress.dataset.said, c.id].filter(Boolean).join(" ");
}

async function runCheck() {
  if (checking || hearing) return;
  showView("check");
  checking = true;
  meterOn = false; // Rust stops the meter: the check needs the microphone to itself
  endQuestion();
  runButton.disabled = true;
  runButton.textContent = "Checking…";
  overall.hidden = true;
  $<HTMLElement>("checklist").hidden = true;
  live.hidden = false;
  checkRun = newRun("starting");
  showGuide(checkRun);
  liveMessage.textContent = "";
  // The instruction is where the eye is: bring the guide into view.
  guide.scrollIntoView({ block: "nearest" });
  const plan = await guideReady;
  results.replaceChildren(...plan.checks.map((c) => pendingCard(c.id)));
  results.setAttribute("aria-busy", "true");
  checkProgress.textContent = `Checking ${plan.checks.length} things.`;
  delete checkProgress.dataset.said;
  delete meter.dataset.loudest;
  setMeter(-60);

  const rttFigure = $<HTMLElement>("rtt-figure");
  const rttChart = document.getElementById("rtt-chart") as unknown as SVGSVGElement;
  rttFigure.hidden = true;
  const speedLive = $<HTMLElement>("speed-figure");
  const speedChart = document.getElementById("speed-chart") as unknown as SVGSVGElement;
  speedLive.hidden = true;
  const onProgress = new Channel<Progress>();
  onProgress.onmessage = (p) => {
    const before = checkRun;
    checkRun = reduce(checkRun, p);
    // One render path: what changed in the state is redrawn from the state.
    const r = checkRun;
    if (r.step !== before.step || r.stepText !== before.stepText) showGuide(r);
    if (r.liveMessage !== before.liveMessage) liveMessage.textContent = r.liveMessage;
    if (r.level !== before.level && r.level !== null) setMeter(r.level);
    if (r.probes !== before.probes) {
      rttFigure.hidden = false;
      drawChart(rttChart);
    }
    if (r.speeds !== before.speeds) {
      speedLive.hidden = false;
      drawSpeedChart(speedChart);
    }
    if (r.notice !== before.notice && r.notice !== null) {
      // Rust kept the check in the records (answers and ticks later update that record).
      settingsNotice.hidden = false;
      settingsNotice.textContent = r.notice;
    }
    for (const c of Object.values(r.results)) {
      if (c && c !== before.results[c.id]) {
        setCard(resultCard(c));
        // Said once per part (a part's card may be refined later, e.g. the camera's).
        if (!before.results[c.id]) announcePart(c, Object.keys(r.results).length, plan.checks.length);
      }
    }
    // The live picture itself is not kept in the state (only the frame the checks looked at).
    if (p.kind === "cameraFrame") showPreview(p.preview);
  };

  const chosen = deviceChoices();
  // The network settings as saved now (the CLI or another window may have changed them).
  const saved = (await api.getSettings()).settings;
  // How long each step measures is Rust's (the guide's options); the devices and the network
  // settings are the mentor's.
  const options: CheckOptions = {
    ...plan.options,
    mic: chosen.mic,
    speaker: chosen.speaker,
    camera: chosen.camera ? { kind: "named", value: chosen.camera } : { kind: "default" },
    stunServers: saved.stunServers,
    platforms: saved.platforms,
    speedTest: saved.speedTest,
  };
  try {
    const report = await api.runCheck(options, onProgress);
    showReport(report);
    live.hidden = true;
    liveMessage.textContent = "";
    setStep("done", "Done: your results are below.");
    const asked = report.checks.find((c) => c.question);
    if (asked) {
      askInGuide(asked);
    } else {
      // Bring the verdict into view; move focus there so keyboard and screen-reader users land on it.
      overall.tabIndex = -1;
      overall.scrollIntoView({ block: "start" });
      overall.focus({ preventScroll: true });
    }
  } catch (e) {
    liveMessage.textContent = `The check could not run: ${String(e)}`;
  } finally {
    results.removeAttribute("aria-busy");
    checking = false;
    void startPreview();
    void startMeter();
    runButton.disabled = false;
    runButton.textContent = "Check again";
  }
}

/** The chime replay while the speaker question is open. */
let chimeTimer: number | null = null;
/** Which check the guide's question is about. */
let guideAsks: CheckId | null = null;

/**
 * The question a check could not settle by itself (did you hear the chime?), in the guide where
 * the eye is, with the chime playing again every few seconds until it is answered (a few times
 * at most) and *Play the chime again*. Enter answers yes, Escape no.
 */
function askInGuide(r: CheckResult) {
  guideAsks = r.id;
  setStep("question", "One question before you go:");
  $<HTMLElement>("guide-question-text").textContent = r.question;
  guideQuestion.hidden = false;
  // The meter is off while the question is open: no "Silent" or "Speak" beside it.
  void stopMeter();
  meterRow.hidden = meterNote.hidden = true;
  guide.scrollIntoView({ block: "nearest" });
  $<HTMLButtonElement>("guide-yes").focus();
  if (r.id !== "speaker") return;
  let plays = 0;
  const loop = async () => {
    chimeTimer = null;
    if (guideQuestion.hidden || plays >= 8) return;
    plays++;
    await playChime();
    if (!guideQuestion.hidden) chimeTimer = window.setTimeout(() => void loop(), 3000);
  };
  chimeTimer = window.setTimeout(() => void loop(), 2000);
}

async function playChime() {
  const again = $<HTMLButtonElement>("guide-again");
  again.disabled = true;
  try {
    await api.playChime(deviceChoices().speaker);
  } catch (e) {
    liveMessage.textContent = `The chime could not be played: ${String(e)}`;
  } finally {
    again.disabled = false;
  }
}

function endQuestion() {
  if (chimeTimer !== null) window.clearTimeout(chimeTimer);
  chimeTimer = null;
  guideAsks = null;
  guideQuestion.hidden = true;
  meterRow.hidden = meterNote.hidden = false;
}

async function answerInGuide(yes: boolean) {
  const id = guideAsks;
  if (id === null) return;
  endQuestion();
  setStep("done", "Thank you. Your results are below.");
  await answer(id, yes);
  void startMeter();
}
$<HTMLButtonElement>("guide-yes").addEventListener("click", () => void answerInGuide(true));
$<HTMLButtonElement>("guide-no").addEventListener("click", () => void answerInGuide(false));
$<HTMLButtonElement>("guide-again").addEventListener("click", () => void playChime());
document.addEventListener("keydown", (e) => {
  if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) {
    e.preventDefault();
    void runCheck();
    return;
  }
  if (guideQuestion.hidden) return;
  const t = e.target as HTMLElement;
  const typing = t instanceof HTMLInputElement || t instanceof HTMLSelectElement || t instanceof HTMLTextAreaElement || t instanceof HTMLButtonElement;
  if (e.key === "Escape") {
    e.preventDefault();
    void answerInGuide(false);
  } else if (e.key === "Enter" && !typing) {
    e.preventDefault();
    void answerInGuide(true);
  }
});

runButton.addEventListener("click", () => void runCheck());

// Session script: pick a template, fill in the mentee, open the always-on-top window.
const scriptTemplate = $<HTMLSelectElement>("script-template");
const scriptMentee = $<HTMLInputElement>("script-mentee");
const scriptSessions = $<HTMLInputElement>("script-sessions");
const scriptMentor = $<HTMLInputElement>("script-mentor");
const scriptNext = $<HTMLInputElement>("script-next");
const scriptSession = $<HTMLInputElement>("script-session");
const scriptNotice = $<HTMLElement>("script-notice");
async function loadTemplates() {
  const list = await api.scriptTemplates();
  scriptTemplate.replaceChildren(
    ...list
      .filter((t) => !t.error)
      .map((t) => {
        const o = el("option", undefined, t.minutes > 0 ? `${t.name} (${t.minutes} min)` : t.name);
        o.value = t.id;
        return o;
      }),
  );
  const broken = list.filter((t) => t.error).map((t) => `Your template ${t.error}`);
  scriptNotice.hidden = broken.length === 0;
  scriptNotice.textContent = broken.join(" ");
}
$<HTMLButtonElement>("open-script").addEventListener("click", () => {
  const vars: Record<string, string> = {
    programme_sessions: scriptSessions.value,
    session_number: scriptSession.value,
  };
  if (scriptMentee.value.trim()) vars.mentee = scriptMentee.value.trim();
  if (scriptMentor.value.trim()) vars.mentor = scriptMentor.value.trim(); // Rust remembers it
  if (scriptNext.value.trim()) vars.next_session = scriptNext.value.trim();
  api.scriptStart(scriptTemplate.value, vars).catch((e) => {
    scriptNotice.hidden = false;
    scriptNotice.textContent = String(e);
  });
});
void loadTemplates();
for (const s of [micSelect, speakerSelect, cameraSelect]) s.addEventListener("change", () => void saveChoice());
cameraSelect.addEventListener("change", () => void startPreview());
// The preview stops whenever the window is hidden or minimised, and comes back when it shows.
document.addEventListener("visibilitychange", () => {
  if (document.hidden) {
    void stopPreview();
    void stopMeter();
  } else {
    void startPreview();
    void startMeter();
  }
});
// The meter and the preview run only while the check screen is in front.
document.addEventListener("view-changed", (e) => {
  if ((e as CustomEvent<string>).detail === "check") {
    void startPreview();
    void startMeter();
  } else {
    void stopMeter();
    if (!checking) void stopPreview();
  }
});
// Only while this window is in front: switching to the meeting app lets go of the microphone.
window.addEventListener("blur", () => void stopMeter());
window.addEventListener("focus", () => void startMeter());
micSelect.addEventListener("change", () => {
  meterOn = false;
  void startMeter();
});
// The tray's "Run pre-flight check" and the T-10 reminder bring the window forward: an open
// window gets an event; a window opened for it (none exists while the app sits in the tray)
// says so in its address, and acts once the page is ready.
/** The event the window was opened for (its `#hash`), if any. */
const openedFor = location.hash.slice(1) as EventName | "";
if (openedFor === "run-check-requested" || openedFor === "check-prompt") history.replaceState(null, "", location.pathname);
function promptCheck() {
  showView("check");
  void showPrepare().then((shown) => {
    if (shown) return;
    runButton.scrollIntoView({ block: "center" });
    runButton.focus();
  });
}

/** The session ahead on one screen, at the check prompt: who, the plan, what was agreed last
 * time, the safeguarding reminder, whether it is checked; *Run the check* first (keyboard). */
let prepared: string | null = null;
async function showPrepare(): Promise<boolean> {
  const v = await api.prepareView().catch(() => null);
  const section = $<HTMLElement>("prepare");
  if (!v) {
    section.hidden = true;
    prepared = null;
    return false;
  }
  prepared = v.sessionId;
  $("prepare-title").textContent = v.headline;
  $("prepare-line").textContent = v.line;
  const care = $<HTMLElement>("prepare-safeguarding");
  care.hidden = !v.safeguarding;
  care.textContent = v.safeguarding ?? "";
  const agreed = $<HTMLElement>("prepare-agreed");
  agreed.hidden = !v.lastAgreed;
  agreed.textContent = v.lastAgreed ? `Last time (${v.lastAgreed.when}) you agreed: ${v.lastAgreed.text.replace(/\n/g, "; ")}` : "";
  $("prepare-plan").replaceChildren(...v.roadmap.map((r) => el("li", undefined, `${r.title} · ${r.minutes} min`)));
  $("prepare-checked").textContent = v.checked ?? "Not checked yet: run the check now, so there is time to fix what it finds.";
  $<HTMLButtonElement>("prepare-join").hidden = !v.hasLink;
  $("prepare-result").textContent = "";
  section.hidden = false;
  section.scrollIntoView({ block: "start" });
  $<HTMLButtonElement>("prepare-run").focus();
  return true;
}
function closePrepare() {
  $<HTMLElement>("prepare").hidden = true;
  runButton.focus();
}
$("prepare-run").addEventListener("click", () => {
  closePrepare();
  if (!checking) void runCheck();
});
$("prepare-join").addEventListener("click", () => {
  if (!prepared) return;
  api.openRoom(prepared)
    .then(() => ($("prepare-result").textContent = "The meeting room is opening."))
    .catch((e) => ($("prepare-result").textContent = String(e)));
});
$("prepare-snooze").addEventListener("click", () => {
  if (!prepared) return;
  api.snoozeSession(prepared)
    .then(() => {
      closePrepare();
    })
    .catch((e) => ($("prepare-result").textContent = String(e)));
});
$("prepare-close").addEventListener("click", closePrepare);
$("prepare").addEventListener("keydown", (e) => {
  if (e.key === "Escape") closePrepare();
});
void loadDevices().then(() => {
  if (openedFor === "run-check-requested" && !checking) void runCheck();
  else void startMeter();
});
if (openedFor === "check-prompt") promptCheck();
void on("run-check-requested", () => {
  void api.takeLaunchIntent();
  if (!checking) void runCheck();
});
void on("check-prompt", () => {
  void api.takeLaunchIntent();
  promptCheck();
});
// Asked for while this page was still loading (the event came before its listener): done now.
void api.takeLaunchIntent().then((e) => {
  if (e?.name === "check-prompt") promptCheck();
  else if (e?.name === "run-check-requested" && !checking) void runCheck();
});
// Focus mode switched from the script window: the checklist's item follows.
void on("focus-changed", () => {
  if (currentReport) void tick("notifications", ticked.has("notifications"));
});
