// Mentor Preflight — "Your programme": which programme the mentor works in (asked on first
// run), its rules in plain words, the programme contact for safeguarding, and the mentor's own
// programme's rules. Rust validates and stores everything; this page shows and sends.
import * as api from "./api";
import type { ProgrammeInfo } from "./bindings/ProgrammeInfo";
import type { ProgrammeProfile } from "./bindings/ProgrammeProfile";
import type { ProgrammeView } from "./bindings/ProgrammeView";

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const panel = $<HTMLDetailsElement>("programme-panel");
const choice = $<HTMLSelectElement>("programme-choice");
const rules = $<HTMLElement>("programme-rules");
const notice = $<HTMLElement>("programme-notice");
let current: ProgrammeView | null = null;

function el<K extends keyof HTMLElementTagNameMap>(tag: K, text?: string): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  if (text !== undefined) e.textContent = text;
  return e;
}

/** "7 sessions of 60 minutes, weekly" and the like. */
export function rhythm(p: ProgrammeProfile): string {
  const count = p.sessions ? `${p.sessions} sessions of ${p.sessionMinutes} minutes` : `Sessions of ${p.sessionMinutes} minutes`;
  const every = p.cadenceDays === 7 ? ", weekly" : p.cadenceDays === 14 ? ", every two weeks" : p.cadenceDays ? `, every ${p.cadenceDays} days` : "";
  return count + every;
}

function showRules(p: ProgrammeInfo | undefined) {
  if (!p) {
    rules.replaceChildren(el("p", "No programme: you choose a script and checklist for each session yourself."));
    return;
  }
  const lines = [`${rhythm(p)}. Open the meeting room ${p.roomOpenMinutes} minutes early.`];
  if (p.training) lines.push(p.training);
  if (p.scheduledBy === "programme") lines.push("The programme schedules the sessions, not you.");
  if (p.scheduledBy === "programme-for-under-18") lines.push("With a mentee under 18, the programme schedules the sessions.");
  if (p.weeklyMonitoring) lines.push("Each week you record whether mentoring took place as planned.");
  for (const f of p.feedback) lines.push(`After session ${f.afterSession}: ${f.what}.`);
  const ul = el("ul");
  for (const i of p.items) ul.append(el("li", i));
  rules.replaceChildren(
    ...lines.map((l) => el("p", l)),
    el("p", `What ${p.code} asks of you before and during each session:`),
    ul,
  );
}

function selected(): ProgrammeInfo | undefined {
  return current?.programmes.find((p) => p.id === choice.value);
}

function showChoice() {
  const p = selected();
  showRules(p);
  $("programme-contact").hidden = !p;
  $("custom-programme").hidden = choice.value !== "custom";
  $<HTMLInputElement>("contact-name").value = p?.contact?.name ?? "";
  $<HTMLInputElement>("contact-email").value = p?.contact?.email ?? "";
  $<HTMLInputElement>("contact-phone").value = p?.contact?.phone ?? "";
}

function render(v: ProgrammeView) {
  current = v;
  if (choice.options.length <= 1) {
    for (const p of v.programmes) {
      const o = el("option", p.name);
      o.value = p.id;
      choice.append(o);
    }
  } else {
    // The custom programme's name may have changed.
    for (const p of v.programmes) {
      const o = [...choice.options].find((o) => o.value === p.id);
      if (o) o.textContent = p.name;
    }
  }
  choice.value = v.programme ?? "";
  const mine = v.programmes.find((p) => p.id === v.programme);
  $("programme-summary").textContent = !v.chosen
    ? "Getting started"
    : mine
      ? `Your programme: ${mine.name}`
      : "Your programme: none chosen";
  $("programme-ask").hidden = v.chosen;
  // Asked once, with the programme, on the first start.
  $("first-run-fields").hidden = v.chosen;
  if (!v.chosen && v.mentorName) $<HTMLInputElement>("first-name").value = v.mentorName;
  panel.classList.toggle("first-run", !v.chosen);
  // On the first start the card comes first on the check screen; later it lives with the sessions.
  const home = $(v.chosen ? "view-sessions" : "view-check");
  if (panel.parentElement !== home) home.prepend(panel);
  if (!v.chosen) panel.open = true;
  $<HTMLTextAreaElement>("custom-text").value = v.customText;
  notice.hidden = !v.customProblem;
  notice.textContent = v.customProblem ?? "";
  // Said on save and whenever the card is drawn, until a safeguarding contact is set.
  const gap = $("programme-safeguarding");
  gap.hidden = !v.safeguardingGap;
  gap.textContent = v.safeguardingGap ?? "";
  showChoice();
}

choice.addEventListener("change", showChoice);

$<HTMLButtonElement>("programme-save").addEventListener("click", async () => {
  notice.hidden = true;
  try {
    const programme = choice.value || null;
    const contact = programme
      ? {
          name: $<HTMLInputElement>("contact-name").value,
          email: $<HTMLInputElement>("contact-email").value,
          phone: $<HTMLInputElement>("contact-phone").value,
        }
      : null;
    const firstRun = current?.chosen
      ? null
      : {
          mentorName: $<HTMLInputElement>("first-name").value,
          autostart: $<HTMLInputElement>("first-autostart").checked,
        };
    render(await api.programmeChoose(programme, contact, firstRun));
    panel.open = false;
    // The schedule's forms preselect the mentor's programme.
    document.dispatchEvent(new CustomEvent("programme-changed"));
  } catch (e) {
    notice.hidden = false;
    notice.textContent = String(e);
  }
});

$<HTMLButtonElement>("custom-save").addEventListener("click", async () => {
  const out = $<HTMLElement>("custom-result");
  out.hidden = false;
  try {
    const v = await api.programmeCustomSave($<HTMLTextAreaElement>("custom-text").value);
    const keep = choice.value;
    render(v);
    choice.value = keep;
    showChoice();
    out.classList.remove("error");
    out.textContent = `Saved: ${v.programmes.find((p) => p.id === "custom")?.name ?? "your programme"}.`;
    document.dispatchEvent(new CustomEvent("programme-changed"));
  } catch (e) {
    out.classList.add("error");
    out.textContent = String(e);
  }
});

void api.programmeGet()
  .then(render)
  .catch((e) => {
    notice.hidden = false;
    notice.textContent = String(e);
  });
