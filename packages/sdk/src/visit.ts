/**
 * Snowplow's visitor and session state, kept only with cookie consent: a domain user id
 * (`duid`) that lasts, a session id (`sid`) and a session index (`vid`). A session ends after
 * 30 minutes without an event; the next event opens a new one with the index one higher.
 */
export const SESSION_TIMEOUT_MS = 30 * 60 * 1000;

export interface Visit {
  /** domain user id */
  d: string;
  /** session id */
  s: string;
  /** session index, from 1 */
  v: number;
  /** time of the last event, epoch ms */
  t: number;
}

/** The visit an event at `now` belongs to, given the stored one (or none yet). */
export function touchVisit(visit: Visit | null, now: number, newId: () => string): Visit {
  if (!visit) return { d: newId(), s: newId(), v: 1, t: now };
  if (now - visit.t > SESSION_TIMEOUT_MS) return { d: visit.d, s: newId(), v: visit.v + 1, t: now };
  return { ...visit, t: now };
}

/** A stored visit, or null if it is missing or malformed. */
export function parseVisit(text: string | null): Visit | null {
  try {
    const v = JSON.parse(text ?? "null") as Visit | null;
    return v && typeof v.d === "string" && typeof v.s === "string" && v.v > 0 && v.t > 0 ? v : null;
  } catch {
    return null;
  }
}
