// Mentor Preflight — listening to the app's events through their generated type (AppEvent,
// from src-tauri/src/events.rs): an event's name and payload are written once, in Rust.
import { listen, type UnlistenFn } from "@tauri-apps/api/event";
import type { AppEvent } from "./bindings/AppEvent";

/** The name of an event the app sends. */
export type EventName = AppEvent["name"];

/** The payload event `N` carries (`null` when it carries none). */
export type PayloadOf<N extends EventName> = Extract<AppEvent, { name: N }> extends { payload: infer P } ? P : null;

/** Calls `handler` with the payload each time the app sends event `name`. */
export function on<N extends EventName>(name: N, handler: (payload: PayloadOf<N>) => void): Promise<UnlistenFn> {
  return listen<PayloadOf<N>>(name, (e) => handler(e.payload));
}

