/**
 * localStorage that never throws: storage can be disabled, full or blocked (Safari private
 * mode, sandboxed iframes); the tracker then keeps its state in memory only.
 */
import type { TrackerEvent } from "./protocol.js";
import type { QueueStore } from "./sender.js";

export function read(key: string): string | null {
  try {
    return localStorage.getItem(key);
  } catch {
    return null;
  }
}

/** Stores `value` under `key`, or removes the key when `value` is null. */
export function write(key: string, value: string | null): void {
  try {
    value === null ? localStorage.removeItem(key) : localStorage.setItem(key, value);
  } catch {
    // full or blocked: nothing to do
  }
}

/** The offline queue: events not yet acknowledged, replayed on the next page load. */
export function localQueue(key: string): QueueStore {
  return {
    load() {
      try {
        const events: unknown = JSON.parse(read(key) ?? "[]");
        return Array.isArray(events) ? (events as TrackerEvent[]) : [];
      } catch {
        return [];
      }
    },
    save: (events) => write(key, events.length > 0 ? JSON.stringify(events) : null),
  };
}
