// Mentor Preflight — the schedule panel: coming sessions, add/edit, calendar import and
// subscriptions, reminder settings, and the weekly records export.
import * as api from "./api";
import { day, dayAndTime, hhmm, setTimeStyle } from "./when";
import type { ClockChoice } from "./bindings/ClockChoice";
import { on } from "./events";
import type { ReminderConfig } from "./bindings/ReminderConfig";
import { showView } from "./views";
import type { SessionInput } from "./bindings/SessionInput";
import type { Subscription } from "./bindings/Subscription";
import type { ScheduleView } from "./bindings/ScheduleView";
import type { SessionView } from "./bindings/SessionView";
import type { PlannedAsk } from "./bindings/PlannedAsk";
import type { ImportSummary } from "./bindings/ImportSummary";

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const list = $<HTMLUListElement>("session-list");
const headline = $<HTMLElement>("next-headline");
const nextBar = $<HTMLElement>("next-bar");
const notice = $<HTMLElement>("schedule-notice");
const form = $<HTMLFormElement>("session-form");
const addDetails = $<HTMLDetailsElement>("add-session");
const importResult = $<HTMLElement>("import-result");
/** Sessions listed; the rest are counted (and shown on request), so the check below stays in view. */
const SHOWN = 4;
let showAll = false;

function el<K extends keyof HTMLElementTagNameMap>(tag: K, cls?: string, text?: string): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined) e.textContent = text;
  return e;
}

function showError(e: unknown) {
  notice.hidden = false;
  notice.textContent = String(e);
}

/** A button whose accessible name starts with its visible text (`label` says the rest), so a
 * mentor using voice control can say what they see. */
function button(text: string, label: string, action: () => Promise<unknown>): HTMLButtonElement {
  const b = el("button", "secondary", text);
  b.type = "button";
  b.setAttribute("aria-label", label);
  b.addEventListener("click", () => {
    notice.hidden = true;
    action().catch(showError);
  });
  return b;
}

/** Local "YYYY-MM-DDTHH:MM" of an instant in a zone, for the edit form. */
function localInput(iso: string, zone: string): string {
  const parts = new Intl.DateTimeFormat("en-CA", {
    timeZone: zone, year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", hourCycle: "h23",
  }).formatToParts(new Date(iso));
  const get = (t: string) => parts.find((p) => p.type === t)?.value ?? "00";
  return `${get("year")}-${get("month")}-${get("day")}T${get("hour")}:${get("minute")}`;
}

function render(v: ScheduleView) {
  // First: every time drawn below, here and in the other panels, is in the mentor's clock.
  setTimeStyle(v.timeStyle);
  $<HTMLSelectElement>("clock-choice").value = v.clock;
  headline.textContent = v.headline;
  nextBar.textContent = v.sessions.length > 0 ? `Next session: ${v.headline}` : "No sessions scheduled. Add one under Sessions and scripts.";
  notice.hidden = !v.notice;
  notice.textContent = v.notice ?? "";
  const items = v.sessions.slice(0, showAll ? v.sessions.length : SHOWN).map((s, i) => {
    const li = el("li", i === 0 ? "soon" : undefined);
    li.dataset.sessionId = s.id;
    const number = s.sessionNumber ? ` · session ${s.sessionNumber}` : "";
    li.append(el("span", "session-when", `${s.when} — ${s.mentee}`));
    const actions = el("div", "session-actions");
    if (s.link) actions.append(button("Open room", `Open room for ${s.mentee}`, () => api.openRoom(s.id)));
    actions.append(button("Script", `Script for ${s.mentee}`, () => api.startSessionScript(s.id)));
    actions.append(button("Edit", `Edit the session with ${s.mentee}`, async () => edit(s)));
    // An imported session removed here stays out when its calendar is imported again.
    actions.append(button("Remove", `Remove the session with ${s.mentee}`, async () => render(await api.scheduleRemove(s.id))));
    li.append(actions);
    const room = s.link ? (s.provider ?? "meeting link") : "no meeting link yet";
    const from = s.calendar ? ` · from ${s.calendar}` : "";
    li.append(el("span", "session-meta", `${s.countdown} · ${s.durationMin} min${number} · ${room}${from}`));
    if (s.checkedAt) li.append(el("span", "session-meta session-checked", `Checked ✓ at ${s.checkedAt}`));
    if (s.programmeName) {
      const minor = s.under18 ? " · mentee under 18" : "";
      const by = s.programmeSchedules ? " · the programme schedules these sessions" : "";
      const p = el("span", "session-meta session-programme", `${s.programmeName}${minor}${by}`);
      p.dataset.programme = s.programme ?? "";
      li.append(p);
    }
    return li;
  });
  if (items.length === 0) items.push(el("li", "session-empty", "No sessions yet. Add one below or import your calendar."));
  const more = v.sessions.length - SHOWN;
  if (more > 0 && !showAll) {
    const li = el("li", "session-empty");
    const b = el("button", "link-button", `and ${more} more later: show them`);
    b.type = "button";
    b.id = "show-all-sessions";
    b.addEventListener("click", () => {
      showAll = true;
      render(v);
    });
    li.append(b);
    items.push(li);
  }
  list.replaceChildren(...items);
  const r = v.reminders;
  $<HTMLInputElement>("rem-check").value = String(r.checkLeadMin);
  $<HTMLInputElement>("rem-margin").value = String(r.promptMarginMin);
  $<HTMLInputElement>("rem-open").value = String(r.openLeadMin);
  $<HTMLInputElement>("rem-snooze").value = String(r.snoozeMin);
  $<HTMLInputElement>("rem-auto").checked = r.autoOpen;
  $<HTMLInputElement>("rem-autostart").checked = v.autostart;
  $<HTMLInputElement>("session-zone").placeholder = `${v.localZone} (this computer)`;
  for (const id of ["session-programme", "import-programme"]) {
    const sel = $<HTMLSelectElement>(id);
    const keep = sel.options.length > 1 ? sel.value : null;
    sel.replaceChildren(sel.options[0]);
    for (const p of v.programmes) {
      const o = el("option", undefined, p.name);
      o.value = p.id;
      sel.append(o);
    }
    // A new session or calendar belongs to the mentor's programme unless they choose otherwise.
    sel.value = keep ?? v.programme ?? "";
  }
  mine = v.programme;
  renderPlanned(v.planned);
  renderSubscriptions(v.subscriptions);
}

function renderSubscriptions(subs: Subscription[]) {
  $("subscriptions").replaceChildren(
    ...subs.map((sub) => {
      const li = el("li");
      li.dataset.url = sub.url;
      li.append(el("span", "sub-url", sub.url));
      if (sub.passwordKept) {
        li.append(el("span", "sub-login", "Its name and password are kept in your computer's password store, not in this app's files."));
      }
      li.append(button("Unsubscribe", `Unsubscribe from ${sub.url}`, async () => render(await api.scheduleUnsubscribe(sub.url))));
      const when = sub.lastFetched ? `Last read ${dayAndTime(new Date(sub.lastFetched))}` : "Not read yet";
      const state = el("span", sub.lastError ? "sub-state error" : "sub-state", sub.lastError ? `${when}. Problem: ${sub.lastError}` : `${when}.`);
      li.append(state);
      return li;
    }),
  );
}

/** The mentor's programme, preselected when the forms are reset. */
let mine: string | null = null;

/** The local Monday of this week, YYYY-MM-DD (as Rust writes `PlannedAsk.week`). */
function thisMonday(): string {
  const d = new Date();
  d.setDate(d.getDate() - ((d.getDay() + 6) % 7));
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, "0")}-${String(d.getDate()).padStart(2, "0")}`;
}

/** *No* asks why, in the row: a few words for the programme's form (Enter saves, Esc cancels). */
function askWhyNot(li: HTMLLIElement, a: PlannedAsk) {
  li.querySelector(".planned-why-not")?.remove();
  const form = el("div", "planned-why-not");
  const label = el("label", undefined, "Why not? ");
  const input = el("input");
  input.type = "text";
  input.maxLength = 200;
  input.placeholder = "e.g. the mentee was ill, or we moved it";
  input.value = a.reason ?? "";
  label.append(input);
  const save = button("Save", `Save: why the session with ${a.mentee} on ${a.when} did not take place as planned`, async () =>
    render(await api.sessionAsPlanned(a.id, false, input.value)),
  );
  input.addEventListener("keydown", (e) => {
    if (e.key === "Enter") save.click();
    if (e.key === "Escape") form.remove();
  });
  form.append(label, save);
  li.append(form);
  input.focus();
}

function renderPlanned(asks: PlannedAsk[]) {
  const box = $<HTMLElement>("planned");
  box.hidden = asks.length === 0;
  const names = [...new Set(asks.map((a) => a.programmeName))].join(" and ");
  $("planned-why").textContent = `${names} asks each week whether mentoring took place as planned. Your answer goes into the export of that session's week.`;
  $("planned-list").replaceChildren(
    ...asks.map((a) => {
      const li = el("li");
      li.dataset.sessionId = a.id;
      const state =
        a.asPlanned === null ? "not answered yet" : a.asPlanned ? "yes, as planned" : `no, not as planned${a.reason ? ` (${a.reason})` : ""}`;
      li.append(el("span", "planned-when", `${a.when} — ${a.mentee}: ${state}`));
      for (const [yes, text] of [[true, "Yes"], [false, "No"]] as const) {
        const b = button(text, `${text}: ${a.mentee} on ${a.when} ${yes ? "took place as planned" : "did not take place as planned"}`, async () => {
          if (yes) render(await api.sessionAsPlanned(a.id, true, null));
          else askWhyNot(li, a);
        });
        b.setAttribute("aria-pressed", String(a.asPlanned === yes));
        li.append(b);
      }
      return li;
    }),
  );
  // Answers about an earlier week go into that week's export: one button for each such week.
  const monday = thisMonday();
  const weeks = [...new Set(asks.map((a) => a.week))].filter((w) => w !== monday).sort().reverse();
  $("planned-exports").replaceChildren(
    ...weeks.map((w) => {
      const [y, m, d] = w.split("-").map(Number);
      const label = `Export the week of ${day(new Date(y, m - 1, d))} (CSV)`;
      const b = button(label, label, async () => {
        const saved = await api.exportRecords(w);
        $<HTMLElement>("export-result").textContent = saved ? `Saved to ${saved}` : "Not saved.";
      });
      b.dataset.week = w;
      return b;
    }),
  );
}

function edit(s: SessionView) {
  addDetails.open = true;
  $<HTMLInputElement>("session-id").value = s.id;
  $<HTMLInputElement>("session-mentee").value = s.mentee;
  $<HTMLInputElement>("session-zone").value = s.timeZone;
  $<HTMLInputElement>("session-start").value = localInput(s.start, s.timeZone);
  $<HTMLInputElement>("session-minutes").value = String(s.durationMin);
  $<HTMLInputElement>("session-link").value = s.link ?? "";
  $<HTMLInputElement>("session-number").value = s.sessionNumber ? String(s.sessionNumber) : "";
  $<HTMLSelectElement>("session-template").value = s.template ?? "";
  $<HTMLSelectElement>("session-programme").value = s.programme ?? "";
  $<HTMLInputElement>("session-under-18").checked = s.under18;
  // An imported session's time is its calendar's: the rest is kept through every refresh.
  timeFromCalendar(s.calendar);
  $<HTMLButtonElement>("session-cancel").hidden = false;
  $<HTMLInputElement>("session-mentee").focus();
}

/** Locks the time fields of an imported session (`calendar`: where it came from), or frees them. */
function timeFromCalendar(calendar: string) {
  for (const id of ["session-start", "session-zone", "session-minutes"]) $<HTMLInputElement>(id).readOnly = calendar !== "";
  const note = $<HTMLElement>("session-calendar-note");
  note.hidden = calendar === "";
  note.textContent = calendar
    ? `The time comes from ${calendar}: change it there. What you change here is kept when the calendar is read again.`
    : "";
}

function resetForm() {
  form.reset();
  timeFromCalendar("");
  $<HTMLSelectElement>("session-programme").value = mine ?? "";
  $<HTMLInputElement>("session-id").value = "";
  $<HTMLButtonElement>("session-cancel").hidden = true;
}

async function refresh() {
  render(await api.scheduleGet());
}

form.addEventListener("submit", (ev) => {
  ev.preventDefault();
  const number = $<HTMLInputElement>("session-number").value;
  const input: SessionInput = {
    mentee: $<HTMLInputElement>("session-mentee").value,
    localStart: $<HTMLInputElement>("session-start").value,
    timeZone: $<HTMLInputElement>("session-zone").value,
    durationMin: Number($<HTMLInputElement>("session-minutes").value || "60"),
    link: $<HTMLInputElement>("session-link").value,
    template: $<HTMLSelectElement>("session-template").value,
    sessionNumber: number ? Number(number) : null,
    programme: $<HTMLSelectElement>("session-programme").value || undefined,
    under18: $<HTMLInputElement>("session-under-18").checked,
  };
  const id = $<HTMLInputElement>("session-id").value || null;
  notice.hidden = true;
  api.scheduleSave(id, input)
    .then((v) => {
      render(v);
      resetForm();
      // An edit is done: the form it opened closes again.
      if (id) addDetails.open = false;
      list.focus();
    })
    .catch(showError);
});
$<HTMLButtonElement>("session-cancel").addEventListener("click", resetForm);

function showImport(r: ImportSummary) {
  importResult.hidden = false;
  importResult.classList.remove("error");
  const lines = [`Imported ${r.added} session${r.added === 1 ? "" : "s"} from ${r.calendar}.`];
  if (r.replaced) lines.push(`${r.replaced} from the earlier import were replaced.`);
  importResult.replaceChildren(el("span", undefined, lines.join(" ")));
  if (r.notes.length) {
    const ul = el("ul");
    for (const n of r.notes) ul.append(el("li", undefined, n));
    importResult.append(ul);
  }
}

function importFailed(e: unknown) {
  importResult.hidden = false;
  importResult.classList.add("error");
  importResult.textContent = String(e);
}

// Picking a file does not import it: who its sessions belong to (and whether the mentee is
// under 18) can still be set, then *Import the file* imports it with those.
const icsImport = $<HTMLButtonElement>("ics-import");
$<HTMLInputElement>("ics-file").addEventListener("change", (ev) => {
  const file = (ev.target as HTMLInputElement).files?.[0];
  icsImport.disabled = !file;
  if (!file) return;
  importResult.hidden = false;
  importResult.classList.remove("error");
  importResult.textContent = `${file.name} is ready: choose whom its sessions belong to, then press Import the file.`;
});

icsImport.addEventListener("click", async () => {
  const file = $<HTMLInputElement>("ics-file").files?.[0];
  if (!file) return;
  try {
    // The bytes as they are (Rust decodes UTF-8, UTF-16 or Windows-1252), the name in a header.
    const bytes = new Uint8Array(await file.arrayBuffer());
    showImport(
      await api.scheduleImport(bytes, {
        "x-file-name": encodeURIComponent(file.name),
        "x-programme": $<HTMLSelectElement>("import-programme").value,
        "x-under-18": String($<HTMLInputElement>("import-under-18").checked),
      }),
    );
    icsImport.disabled = true;
    await refresh();
  } catch (e) {
    importFailed(e);
  }
});

$<HTMLButtonElement>("ics-subscribe").addEventListener("click", async () => {
  const url = $<HTMLInputElement>("ics-url").value.trim();
  if (!url) return importFailed("Paste the calendar's address first.");
  try {
    showImport(
      await api.scheduleSubscribe(url, $<HTMLSelectElement>("import-programme").value || null, $<HTMLInputElement>("import-under-18").checked),
    );
    await refresh();
  } catch (e) {
    importFailed(e);
  }
});

$<HTMLSelectElement>("clock-choice").addEventListener("change", (e) => {
  const choice = (e.target as HTMLSelectElement).value as ClockChoice;
  notice.hidden = true;
  api.setClock(choice)
    .then((v) => {
      render(v);
      const example = hhmm(new Date(2026, 0, 1, 14, 30));
      $("clock-saved").textContent = `Saved: times are shown like ${example}.`;
    })
    .catch(showError);
});

$<HTMLButtonElement>("rem-save").addEventListener("click", () => {
  const reminders: ReminderConfig = {
    checkLeadMin: Number($<HTMLInputElement>("rem-check").value || "10"),
    promptMarginMin: Number($<HTMLInputElement>("rem-margin").value || "5"),
    openLeadMin: Number($<HTMLInputElement>("rem-open").value || "7"),
    snoozeMin: Number($<HTMLInputElement>("rem-snooze").value || "5"),
    autoOpen: $<HTMLInputElement>("rem-auto").checked,
  };
  notice.hidden = true;
  api.scheduleSettings(reminders, $<HTMLInputElement>("rem-autostart").checked)
    .then(render)
    .catch(showError);
});

$<HTMLButtonElement>("export-week").addEventListener("click", async () => {
  const out = $<HTMLElement>("export-result");
  try {
    const saved = await api.exportRecords(null);
    out.textContent = saved ? `Saved to ${saved}` : "Not saved.";
  } catch (e) {
    out.textContent = String(e);
  }
});

// Scripts to choose from (same list as the script panel).
void api.scriptTemplates().then((ts) => {
  const sel = $<HTMLSelectElement>("session-template");
  for (const t of ts.filter((t) => !t.error)) {
    const o = el("option", undefined, t.name);
    o.value = t.id;
    sel.append(o);
  }
});

// The reminder loop ticks every 15 s: the countdowns follow it.
void on("schedule-tick", () => void refresh().catch(showError));
function showSchedule() {
  showView("sessions");
  $<HTMLElement>("schedule").scrollIntoView({ block: "start" });
  list.tabIndex = -1;
  list.focus();
}
void on("show-schedule", () => showSchedule());
// Opened from the tray's "Schedule…" (the window did not exist yet).
if (location.hash === "#show-schedule") {
  history.replaceState(null, "", location.pathname);
  showSchedule();
}
document.addEventListener("programme-changed", () => {
  // The mentor's programme changed: new sessions and calendars now default to it.
  for (const id of ["session-programme", "import-programme"]) $<HTMLSelectElement>(id).replaceChildren($<HTMLSelectElement>(id).options[0]);
  void refresh().catch(showError);
});
list.tabIndex = -1;
void refresh().catch(showError);
