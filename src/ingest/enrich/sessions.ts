/**
 * Session ids for events that arrive without one (Jitsu, server-side, anonymous Snowplow):
 * a user's events belong to one session until 30 minutes pass without activity, as Snowplow's
 * trackers define it. State is in memory and bounded; after a restart a user starts a new session.
 */
import { randomUUID } from "node:crypto";

export const SESSION_TIMEOUT_MS = 30 * 60 * 1000;
const MAX_TRACKED = 200_000;

interface OpenSession {
  id: string;
  index: number;
  lastSeen: number;
}

export class Sessionizer {
  private readonly open = new Map<string, OpenSession>();

  /** The session of the user's event at `at` (epoch ms); opens a new one after the timeout. */
  assign(projectId: string, userKey: string, at: number): { id: string; index: number } {
    const key = `${projectId}\0${userKey}`;
    const current = this.open.get(key);
    if (
      current &&
      at - current.lastSeen <= SESSION_TIMEOUT_MS &&
      at >= current.lastSeen - SESSION_TIMEOUT_MS
    ) {
      current.lastSeen = Math.max(current.lastSeen, at);
      return current;
    }
    const next: OpenSession = { id: randomUUID(), index: (current?.index ?? 0) + 1, lastSeen: at };
    if (this.open.size >= MAX_TRACKED) this.evictIdle(at);
    this.open.set(key, next);
    return next;
  }

  private evictIdle(now: number): void {
    for (const [key, session] of this.open) {
      if (now - session.lastSeen > SESSION_TIMEOUT_MS) this.open.delete(key);
    }
    // Still full of active users: drop the oldest entries (Map iterates in insertion order).
    let excess = this.open.size - MAX_TRACKED * 0.9;
    for (const key of this.open.keys()) {
      if (excess-- <= 0) break;
      this.open.delete(key);
    }
  }
}
