/**
 * Web UI sessions: signing in with the admin token opens a session kept in memory (lost on
 * restart, by design) under a random id that travels in an HttpOnly, SameSite=Strict cookie.
 * A session is bound to the admin token it was opened with: a service with another token does
 * not honour it.
 */
import { createHash, randomBytes, timingSafeEqual } from "node:crypto";

export const SESSION_COOKIE = "glimpse_session";
/** How long a session lasts from sign-in. */
export const SESSION_TTL_MS = 12 * 3600 * 1000;
/** Beyond this many live sessions the oldest is dropped. */
const MAX_SESSIONS = 10_000;

interface Session {
  tokenDigest: Buffer;
  expiresAt: number;
}

const digest = (value: string) => createHash("sha256").update(value).digest();

export class SessionStore {
  private readonly sessions = new Map<string, Session>();

  constructor(
    private readonly ttlMs = SESSION_TTL_MS,
    private readonly now: () => number = Date.now,
  ) {}

  /** Opens a session for the holder of `adminToken`; answers its id and expiry. */
  open(adminToken: string): { id: string; expiresAt: number } {
    this.sweep();
    if (this.sessions.size >= MAX_SESSIONS) {
      const oldest = this.sessions.keys().next().value;
      if (oldest !== undefined) this.sessions.delete(oldest);
    }
    const id = randomBytes(32).toString("base64url");
    const expiresAt = this.now() + this.ttlMs;
    this.sessions.set(id, { tokenDigest: digest(adminToken), expiresAt });
    return { id, expiresAt };
  }

  /** The session's expiry when `id` is a live session opened with `adminToken`, else null. */
  check(id: string, adminToken: string): number | null {
    const session = this.sessions.get(id);
    if (!session) return null;
    if (session.expiresAt <= this.now()) {
      this.sessions.delete(id);
      return null;
    }
    return timingSafeEqual(session.tokenDigest, digest(adminToken)) ? session.expiresAt : null;
  }

  close(id: string): void {
    this.sessions.delete(id);
  }

  private sweep(): void {
    const now = this.now();
    for (const [id, session] of this.sessions) {
      if (session.expiresAt <= now) this.sessions.delete(id);
    }
  }
}

/** The process's sessions (one per process: each is bound to its service's admin token). */
export const webSessions = new SessionStore();

/** The session id in a `Cookie` header, if any. */
export function sessionIdFrom(cookieHeader: string | undefined): string | null {
  if (!cookieHeader) return null;
  for (const part of cookieHeader.split(";")) {
    const eq = part.indexOf("=");
    if (eq < 0) continue;
    if (part.slice(0, eq).trim() === SESSION_COOKIE) {
      const value = part.slice(eq + 1).trim();
      return /^[A-Za-z0-9_-]{1,100}$/.test(value) ? value : null;
    }
  }
  return null;
}
