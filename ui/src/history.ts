// The mentor's last checks as small charts (delay, upload, room noise): a picture of their
// usual, with today's point against it. The geometry is pure (tested with vitest); Rust gives
// the figures (numbers only, from the records).
import type { HistoryPoint } from "./bindings/HistoryPoint";
import { day } from "./when";

/** One chart: a figure over the last checks, oldest left, newest (today) right. */
export interface Series {
  key: "rttMs" | "upMbps" | "noiseFloorDbfs";
  title: string;
  unit: string;
  /** Which way is good, in words. */
  better: string;
  /** Points in a `w`×`h` box (y grows downwards), for the checks that measured it. */
  points: { x: number; y: number; value: number }[];
  /** The median of the earlier checks, and where it lies in the box. */
  usual: { value: number; y: number } | null;
  /** Today's (the newest check's) value. */
  latest: number | null;
  /** The chart in words, for a screen reader. */
  words: string;
}

const CHARTS: { key: Series["key"]; title: string; unit: string; decimals: number; better: string }[] = [
  { key: "rttMs", title: "Delay", unit: "ms", decimals: 0, better: "lower is better" },
  { key: "upMbps", title: "Upload", unit: "Mbps", decimals: 1, better: "higher is better" },
  { key: "noiseFloorDbfs", title: "Room noise", unit: "dBFS", decimals: 0, better: "lower is quieter" },
];

function median(v: number[]): number | null {
  if (v.length === 0) return null;
  const s = [...v].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 === 0 ? (s[m - 1] + s[m]) / 2 : s[m];
}

const shown = (v: number, decimals: number) => v.toFixed(decimals).replace("-", "−");

/** The charts for `history` (newest first, as Rust gives it) in a `w`×`h` box each, with a
 * margin of `pad`; a figure no check measured gives no chart. */
export function historySeries(history: HistoryPoint[], w: number, h: number, pad = 6): Series[] {
  const oldestFirst = [...history].reverse();
  const n = oldestFirst.length;
  const out: Series[] = [];
  for (const c of CHARTS) {
    const measured = oldestFirst
      .map((p, i) => ({ i, value: p.figures[c.key] }))
      .filter((p): p is { i: number; value: number } => typeof p.value === "number");
    if (measured.length === 0) continue;
    const newest = history[0]?.figures[c.key];
    const latest = typeof newest === "number" ? newest : null;
    const earlier = measured.filter((p) => p.i < n - 1).map((p) => p.value);
    const usualValue = earlier.length >= 3 ? median(earlier) : null;
    const values = measured.map((p) => p.value).concat(usualValue === null ? [] : [usualValue]);
    let lo = Math.min(...values);
    let hi = Math.max(...values);
    if (hi - lo < 1e-9) {
      lo -= 1;
      hi += 1;
    }
    const x = (i: number) => (n <= 1 ? w / 2 : pad + (i * (w - 2 * pad)) / (n - 1));
    const y = (v: number) => pad + ((hi - v) * (h - 2 * pad)) / (hi - lo);
    const words =
      `${c.title} over your last ${measured.length} ${measured.length === 1 ? "check" : "checks"}` +
      (usualValue === null ? "" : `: usually ${shown(usualValue, c.decimals)} ${c.unit}`) +
      (latest === null ? "" : `${usualValue === null ? ":" : ","} ${shown(latest, c.decimals)} ${c.unit} in this check`) +
      ".";
    out.push({
      key: c.key,
      title: c.title,
      unit: c.unit,
      better: c.better,
      points: measured.map((p) => ({ x: x(p.i), y: y(p.value), value: p.value })),
      usual: usualValue === null ? null : { value: usualValue, y: y(usualValue) },
      latest,
      words,
    });
  }
  return out;
}

const SVG_NS = "http://www.w3.org/2000/svg";

function svgNode(tag: string, attrs: Record<string, string>): SVGElement {
  const e = document.createElementNS(SVG_NS, tag) as SVGElement;
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  return e;
}

/** Draws the charts of `history` into `into` (replacing what was there); hidden when there is
 * nothing to draw. */
export function drawHistory(into: HTMLElement, history: HistoryPoint[]): void {
  const W = 240;
  const H = 64;
  const series = historySeries(history, W, H);
  into.hidden = series.length === 0 || history.length < 2;
  const charts = series.map((s) => {
    const fig = document.createElement("figure");
    fig.className = "history-chart";
    fig.dataset.key = s.key;
    const svg = svgNode("svg", { viewBox: `0 0 ${W} ${H}`, role: "img", "aria-label": s.words });
    if (s.usual) {
      svg.append(svgNode("line", { class: "history-usual", x1: "0", x2: String(W), y1: String(s.usual.y), y2: String(s.usual.y) }));
    }
    svg.append(svgNode("polyline", { class: "history-line", points: s.points.map((p) => `${p.x},${p.y}`).join(" ") }));
    s.points.forEach((p, i) => {
      const today = i === s.points.length - 1 && s.latest !== null;
      svg.append(svgNode("circle", { class: today ? "history-today" : "history-dot", cx: String(p.x), cy: String(p.y), r: today ? "4" : "2.5" }));
    });
    const cap = document.createElement("figcaption");
    const usual = s.usual ? `usually ${s.usual.value.toFixed(s.unit === "Mbps" ? 1 : 0).replace("-", "−")} ${s.unit}` : "no usual yet";
    cap.textContent = `${s.title} (${s.unit}, ${s.better}) — ${usual}`;
    fig.append(svg, cap);
    return fig;
  });
  const oldest = history[history.length - 1];
  const note = document.createElement("p");
  note.className = "muted history-note";
  note.textContent = oldest
    ? `Your last ${history.length} checks on this computer, since ${day(new Date(oldest.at))}; the big dot is this check, the dashed line your usual. Only these figures are kept.`
    : "";
  into.querySelector(".history-charts")?.replaceChildren(...charts);
  into.querySelector(".history-note")?.replaceWith(note);
}
