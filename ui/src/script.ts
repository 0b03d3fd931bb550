// Session script window: the current phase, its prompts and checklist, and a timer.
// State lives in Rust (SessionRun); this page only shows it and sends the mentor's actions.
import * as api from "./api";
import { on } from "./events";
import { setTimeStyle, startsIn } from "./when";
import "./style.css";
import type { ScriptView } from "./bindings/ScriptView";
import type { DeviceUse } from "./bindings/DeviceUse";
import type { SessionRecord } from "./bindings/SessionRecord";
import type { ProgrammeContact } from "./bindings/ProgrammeContact";
import type { ScriptProgramme } from "./bindings/ScriptProgramme";

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;

function clock(s: number): string {
  const m = Math.floor(s / 60);
  return `${m}:${String(s % 60).padStart(2, "0")}`;
}

/** What the phase area shows now, to redraw it only when it changes. */
let drawn = "";

/** Before the session starts, camera and microphone off is expected, not a fault. */
let waitingForCall = false;

function show(v: ScriptView) {
  const wasWaiting = waitingForCall;
  waitingForCall = v.startsInS > 0;
  if (wasWaiting !== waitingForCall) void indicators();
  $("script-name").textContent = v.name;
  $("phase-count").textContent = `Phase ${v.index + 1} of ${v.count} · ${v.phase.minutes} min · ${v.covered[0]} of ${v.covered[1]} items covered`;
  $("phase-title").textContent = v.phase.title;
  document.body.dataset.phase = String(v.index);
  const timer = $("timer");
  // Opened before the session: a countdown to the start, never "over".
  const waiting = v.startsInS > 0;
  timer.className = waiting ? "timer waiting" : `timer ${v.timer.colour}`;
  timer.dataset.colour = waiting ? "waiting" : v.timer.colour;
  timer.textContent = waiting
    ? startsIn(v.startsInS, new Date())
    : v.timer.overtimeS > 0
      ? `+${clock(v.timer.overtimeS)} over`
      : `${clock(v.timer.remainingS)} left`;
  $("begin").hidden = !waiting;
  // Redrawn only when something in it changed (the timer ticks every second): a redraw would
  // take the keyboard focus away from the checkbox the mentor is on.
  const content = JSON.stringify([v.index, v.phase]);
  if (content !== drawn) {
    drawn = content;
    drawPhase(v);
  }
  // Ticks are set in place, so the focused checkbox keeps the focus.
  document.querySelectorAll<HTMLInputElement>("#checklist input[type=checkbox]").forEach((box, i) => {
    box.checked = v.ticks[i] ?? false;
  });
  const cta = $("cta");
  cta.hidden = !v.phase.callToAction;
  cta.textContent = v.phase.callToAction ? `Next step: ${v.phase.callToAction}` : "";
  $("next").textContent = v.next ? `Next: ${v.next}` : "Last phase: agree the next step, then finish.";
  $<HTMLButtonElement>("back").disabled = v.index === 0;
  $("forward").hidden = v.next === null;
  $("finish").hidden = v.next !== null;
}

/** The phase's prompts and checklist, drawn when the phase changes. */
function drawPhase(v: ScriptView) {
  $("prompts").replaceChildren(
    ...v.phase.prompts.map((p) => {
      const li = document.createElement("li");
      li.textContent = p;
      return li;
    }),
  );
  $("checklist").replaceChildren(
    ...v.phase.checklist.map((c, i) => {
      const li = document.createElement("li");
      const label = document.createElement("label");
      const box = document.createElement("input");
      box.type = "checkbox";
      box.checked = v.ticks[i];
      box.dataset.item = String(i);
      box.addEventListener("change", () => void act(() => api.scriptToggle(i)));
      const key = document.createElement("kbd");
      key.textContent = String(i + 1);
      label.append(box, key, document.createTextNode(c));
      li.append(label);
      return li;
    }),
  );
}

async function act(f: () => Promise<ScriptView>) {
  try {
    show(await f());
  } catch (e) {
    $("phase-title").textContent = String(e);
  }
}

const move = (forward: boolean) => act(() => api.scriptMove(forward));
$("begin").addEventListener("click", () => void act(() => api.scriptBegin()));
$("back").addEventListener("click", () => void move(false));
$("forward").addEventListener("click", () => void move(true));
/** *Finish*: a summary of what was covered first, saved after a few seconds unless undone. */
const FINISH_UNDO_S = 10;
let finishTimer: number | null = null;

function listOf(items: string[], none: string): HTMLLIElement[] {
  return (items.length ? items : [none]).map((t) => {
    const li = document.createElement("li");
    li.textContent = t;
    return li;
  });
}

async function finishNow() {
  stopCountdown();
  const next = $<HTMLInputElement>("next-at").value;
  try {
    await api.scriptFinish({
      agreed: $<HTMLTextAreaElement>("agreed").value,
      agreedInExport: $<HTMLInputElement>("agreed-export").checked,
      nextAt: $<HTMLInputElement>("next-add").checked && next ? next : null,
    });
  } catch (e) {
    $("finish-countdown").textContent = String(e);
  }
}

/** The mentor is answering the questions: nothing is saved until they press the button. */
function stopCountdown() {
  if (finishTimer !== null) window.clearInterval(finishTimer);
  finishTimer = null;
}

/** "YYYY-MM-DDTHH:MM" of a local time, for a datetime-local field. */
function localInput(d: Date): string {
  const p = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}`;
}
for (const id of ["agreed", "agreed-export", "next-at", "next-add"]) {
  $(id).addEventListener("focus", () => {
    if (finishTimer === null) return;
    stopCountdown();
    $("finish-countdown").textContent = "Saved when you press Save and close. Only the ticks, times and what you wrote here are kept.";
  });
}
$("next-at").addEventListener("change", () => {
  $<HTMLInputElement>("next-add").checked = $<HTMLInputElement>("next-at").value !== "";
});

function undoFinish() {
  if (finishTimer !== null) window.clearInterval(finishTimer);
  finishTimer = null;
  $("finish-panel").hidden = true;
  $("script-main").hidden = false;
  document.body.dataset.finishing = "";
  $("finish").focus();
}

async function askFinish() {
  let r: SessionRecord;
  try {
    r = await api.scriptFinishPreview();
  } catch (e) {
    $("phase-title").textContent = String(e);
    return;
  }
  const minutes = Math.max(0, Math.round((Date.parse(r.ended) - Date.parse(r.started)) / 60000));
  $("finish-time").textContent = r.rehearsal
    ? `Rehearsal · ${r.template} · ${minutes} min`
    : `${r.template} · ${minutes} min`;
  $("finish-covered").replaceChildren(...listOf(r.phases.flatMap((p) => p.covered), "Nothing was ticked."));
  const missed = r.phases.flatMap((p) => p.missed);
  $("finish-missed").replaceChildren(...listOf(missed, "Everything was covered."));
  // A rehearsal keeps nothing: its button only closes, and asks nothing.
  $("finish-now").textContent = r.rehearsal ? "Close" : "Save and close";
  $("finish-questions").hidden = r.rehearsal;
  // The next one a week on at the same time, unless the mentor says otherwise.
  if (!$<HTMLInputElement>("next-at").value) {
    $<HTMLInputElement>("next-at").value = localInput(new Date(Date.parse(r.started) + 7 * 86_400_000));
  }
  $("finish-panel").hidden = false;
  $("script-main").hidden = true;
  document.body.dataset.finishing = "true";
  let left = FINISH_UNDO_S;
  const say = () =>
    ($("finish-countdown").textContent = r.rehearsal
      ? `This was a rehearsal before the session's start, so nothing is recorded. Closing in ${left} s.`
      : `Saved and closed in ${left} s. Only the ticks and times are kept.`);
  say();
  $("finish-undo").focus();
  finishTimer = window.setInterval(() => {
    left -= 1;
    if (left <= 0) void finishNow();
    else say();
  }, 1000);
}
$("finish").addEventListener("click", () => void askFinish());
$("finish-now").addEventListener("click", () => void finishNow());
$("finish-undo").addEventListener("click", undoFinish);
document.addEventListener("keydown", (e) => {
  if (!$("finish-panel").hidden) {
    if (e.key === "Escape") undoFinish();
    return;
  }
  if (e.target instanceof HTMLInputElement && e.target.type === "text") return;
  // Keys in the concern panel are the panel's (Escape closes it).
  if (e.target instanceof Element && e.target.closest("#concern-panel")) return;
  if (e.key === "ArrowRight" || e.key === "n") void move(true);
  else if (e.key === "ArrowLeft" || e.key === "b") void move(false);
  else if (/^[1-9]$/.test(e.key)) void act(() => api.scriptToggle(Number(e.key) - 1));
});

void act(() => api.scriptView());
// The timer ticks once a second.
setInterval(() => void act(() => api.scriptView()), 1000);

// In-session indicators: is the call using the camera and microphone, is a recorder running?
function pill(id: string, what: string, u: DeviceUse) {
  const p = $(id);
  const off = u.inUse === false;
  const state = u.inUse === null ? "unknown" : u.inUse ? "on" : waitingForCall ? "waiting" : "off";
  p.dataset.state = state;
  p.textContent =
    state === "unknown"
      ? `${what}: can't tell`
      : state === "on"
        ? `${what} on${u.by.length ? ` (${u.by.join(", ")})` : ""}`
        : off && waitingForCall
          ? `${what}: waiting for the call`
          : `${what} off`;
  p.title = state === "off" ? `No app is using your ${what.toLowerCase()}: check the call if it should be on.` : "";
}

async function indicators() {
  try {
    const i = await api.sessionIndicators();
    pill("ind-camera", "Camera", i.camera);
    pill("ind-mic", "Microphone", i.mic);
    const warn = $("recorder-warning");
    const rec = i.recorders ?? [];
    warn.hidden = rec.length === 0;
    warn.textContent = rec.length
      ? `A recorder is running (${rec.join(", ")}). Sessions are confidential: close it unless your mentee agreed in writing.`
      : "";
    if (i.note) $("indicators").title = i.note;
  } catch {
    /* the window is closing */
  }
}

let focusOn = false;
async function focus(set?: boolean) {
  const b = $<HTMLButtonElement>("focus-toggle");
  try {
    const f = set === undefined ? await api.focusStatus() : await api.focusSet(set);
    b.hidden = !f.supported;
    focusOn = f.on === true;
    b.textContent = focusOn ? "Focus mode on" : "Focus mode off";
    b.dataset.focus = focusOn ? "on" : "off";
    b.setAttribute("aria-pressed", String(focusOn));
  } catch (e) {
    b.title = String(e);
  }
}
$("focus-toggle").addEventListener("click", () => void focus(!focusOn));
void focus();
// Switched from the main window's checklist: the pill follows.
void on("focus-changed", () => void focus());
void indicators();
setInterval(() => void indicators(), 5000);

// Report a concern: shown when the session belongs to a programme. The first press shows whom it
// reaches; "Contact them now" opens a mail (subject only) or the phone number and notes that a
// concern was raised — never what it is.
function contactWords(c: ProgrammeContact): string {
  return [c.name, c.email, c.phone].filter(Boolean).join(" · ");
}

/** The contact as the mentor can use it: the email a `mailto:` link and the phone a `tel:` link
 * (pressing one is "Contact them now": it opens it and notes that a concern was raised). */
function contactNodes(c: ProgrammeContact): Node[] {
  const link = (href: string, text: string) => {
    const a = document.createElement("a");
    a.href = href;
    a.textContent = text;
    a.addEventListener("click", (e) => {
      e.preventDefault();
      $<HTMLButtonElement>("concern-go").click();
    });
    return a;
  };
  const parts: Node[] = [document.createTextNode(c.name)];
  if (c.email) parts.push(document.createTextNode(" · "), link(`mailto:${c.email}`, c.email));
  if (c.phone) parts.push(document.createTextNode(" · "), link(`tel:${c.phone.replace(/[^+\d]/g, "")}`, c.phone));
  return parts;
}

const concernButton = $<HTMLButtonElement>("report-concern");
const concernPanel = $<HTMLElement>("concern-panel");
let concernProgramme: ScriptProgramme | null = null;

function closeConcern() {
  concernPanel.hidden = true;
  concernButton.setAttribute("aria-expanded", "false");
  concernButton.focus();
}

concernButton.addEventListener("click", async () => {
  concernProgramme = await api.scriptProgramme().catch(() => null);
  const p = concernProgramme;
  if (!p) return;
  concernPanel.hidden = false;
  concernPanel.scrollIntoView({ block: "start" });
  concernButton.setAttribute("aria-expanded", "true");
  $("concern-result").textContent = "";
  const go = $<HTMLButtonElement>("concern-go");
  if (p.contact) {
    const how = p.contact.email ? "opens an email to" : "calls";
    $("concern-who").replaceChildren(
      document.createTextNode(`This ${how} ${p.name}'s contact: `),
      ...contactNodes(p.contact),
      document.createTextNode("."),
    );
    go.hidden = false;
    go.focus();
  } else {
    $("concern-who").textContent = `No contact is set for ${p.name}. Tell your programme's safeguarding lead at once, and add their details under “Your programme” in the main window.`;
    go.hidden = true;
    $<HTMLButtonElement>("concern-cancel").focus();
  }
});

$("concern-go").addEventListener("click", async () => {
  const out = $("concern-result");
  try {
    const r = await api.scriptConcern();
    out.textContent = r.opened
      ? `Opened. A concern was noted for this session. Contact: ${contactWords(r.contact)}.`
      : `Could not open your ${r.contact.email ? "mail program" : "phone app"} (${r.problem ?? "no reason given"}). Contact them directly: ${contactWords(r.contact)}. A concern was noted for this session.`;
  } catch (e) {
    out.textContent = String(e);
  }
});
$("concern-cancel").addEventListener("click", closeConcern);
concernPanel.addEventListener("keydown", (e) => {
  if (e.key === "Escape") closeConcern();
});

void api.scriptProgramme().then((p) => {
  concernProgramme = p;
  concernButton.hidden = !p;
  if (p?.under18) concernButton.title = "Under 18: any concern about the mentee's safety goes to the programme contact at once.";
});

// Said once: what this system cannot do for this window (hide it from a screen share, keep it on
// top on Wayland).
void api.scriptWindowNote().then((note) => {
  const p = $("window-note");
  p.hidden = !note;
  p.textContent = note ?? "";
});

// The countdown's times in the mentor's clock (drawn again within the second).
void api.timeStyle().then(setTimeStyle);

// What was agreed last time with this mentee, above the script.
void api.scriptLastAgreed().then((last) => {
  const p = $("last-agreed");
  p.hidden = !last;
  if (last) p.textContent = `Last time (${last.when}) you agreed: ${last.text.replace(/\n/g, "; ")}`;
});
