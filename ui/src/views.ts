// The two screens: the check (first, with the next session above it) and the sessions with their
// scripts. Any element can be brought into view with `showViewOf` (the tray's intents use it).

export type View = "check" | "sessions";

export function showView(view: View) {
  for (const v of document.querySelectorAll<HTMLElement>("[data-view]")) v.hidden = v.dataset.view !== view;
  for (const t of document.querySelectorAll<HTMLElement>("[data-view-tab]")) {
    if (t.dataset.viewTab === view) t.setAttribute("aria-current", "page");
    else t.removeAttribute("aria-current");
  }
  document.body.dataset.view = view;
  document.dispatchEvent(new CustomEvent("view-changed", { detail: view }));
}

/** Shows the screen that holds `el`. */
export function showViewOf(el: Element | null) {
  const v = el?.closest<HTMLElement>("[data-view]")?.dataset.view as View | undefined;
  if (v && document.body.dataset.view !== v) showView(v);
}

for (const t of document.querySelectorAll<HTMLElement>("[data-view-tab]")) {
  t.addEventListener("click", () => showView(t.dataset.viewTab as View));
}
for (const a of document.querySelectorAll<HTMLAnchorElement>("[data-view-link]")) {
  a.addEventListener("click", (e) => {
    e.preventDefault();
    showView(a.dataset.viewLink as View);
  });
}
// For the end-to-end tests (and the console): show the screen holding a CSS selector's element.
(window as unknown as { showViewOf: (css: string) => void }).showViewOf = (css: string) => showViewOf(document.querySelector(css));
showView("check");
