/**
 * What a protocol decoder hands to the enricher: a stored event filled with what the payload
 * said (project still unknown), the app id it named, and fields only enrichment consumes.
 */
import type { StoredEvent } from "../../events/event.js";

export interface DecodedEvent {
  /** The project's public key as the payload named it (Snowplow `aid`, Jitsu `token`). */
  appId: string | null;
  event: StoredEvent;
  /** An IP the payload itself carried (server-side trackers), preferred over the socket's. */
  ip: string | null;
}

export interface Rejection {
  /** Position of the event in the request's batch. */
  index: number;
  reason: string;
  payload: unknown;
}

export interface DecodeOutcome {
  events: DecodedEvent[];
  rejected: Rejection[];
}

/** Thrown for one event that cannot be decoded; the message is the reason given to the client. */
export class EventRejected extends Error {}

/** Field-size ceilings: absurd sizes are rejected, not truncated, so nothing is silently altered. */
export const LIMITS = {
  shortText: 1024,
  text: 8192,
  json: 65_536,
} as const;

export function text(value: unknown, field: string, max: number = LIMITS.text): string | null {
  if (value === undefined || value === null || value === "") return null;
  if (typeof value !== "string" && typeof value !== "number" && typeof value !== "boolean") {
    throw new EventRejected(`${field} must be a string`);
  }
  const s = String(value);
  if (s.length > max)
    throw new EventRejected(`${field} is ${s.length} characters, over the limit of ${max}`);
  return s;
}

export function jsonText(value: unknown, field: string): string | null {
  if (value === undefined || value === null) return null;
  let s: string;
  try {
    s = JSON.stringify(value);
  } catch (error) {
    // JSON.parse takes any depth, JSON.stringify recurses: a 1 MiB body of `[[[...]]]` overflows.
    if (error instanceof RangeError) throw new EventRejected(`${field} is nested too deeply`);
    throw error;
  }
  if (s.length > LIMITS.json)
    throw new EventRejected(
      `${field} is ${s.length} bytes of JSON, over the limit of ${LIMITS.json}`,
    );
  return s;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isUuid(value: unknown): value is string {
  return typeof value === "string" && UUID.test(value);
}

/** Epoch milliseconds from a number or numeric string; null when absent or not plausible. */
export function epochMs(value: unknown, field: string): number | null {
  if (value === undefined || value === null || value === "") return null;
  const n = typeof value === "number" ? value : Number(value);
  if (!isPlausibleTime(n)) {
    throw new EventRejected(
      `${field} is not a timestamp in milliseconds: ${String(value).slice(0, 40)}`,
    );
  }
  return Math.trunc(n);
}

/** Between 2000-01-01 and 2100-01-01: anything else is a broken clock or a wrong unit. */
export function isPlausibleTime(ms: number): boolean {
  return Number.isFinite(ms) && ms >= 946_684_800_000 && ms <= 4_102_444_800_000;
}
