/**
 * Wall-clock time in an IANA zone, as plain arithmetic on "wall milliseconds" (the local date
 * and time read as if it were UTC). Date ranges and zero-filled buckets are computed on wall
 * time; only the bounds sent to the database are turned back into UTC instants.
 */
import type { Granularity } from "./query-schema.js";

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(zone: string): Intl.DateTimeFormat {
  let f = formatters.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat("en-US", {
      timeZone: zone,
      hourCycle: "h23",
      year: "numeric",
      month: "numeric",
      day: "numeric",
      hour: "numeric",
      minute: "numeric",
      second: "numeric",
    });
    formatters.set(zone, f);
  }
  return f;
}

/** Whether the runtime knows the zone (the same ICU data DuckDB's ICU extension uses). */
export function isValidZone(zone: string): boolean {
  if (zone.length > 64) return false;
  try {
    formatter(zone);
    return true;
  } catch {
    return false;
  }
}

/** The wall time in `zone` at the instant `utcMs`. */
export function toWall(utcMs: number, zone: string): number {
  if (zone === "UTC") return utcMs;
  const parts: Record<string, number> = {};
  for (const p of formatter(zone).formatToParts(new Date(utcMs))) {
    if (p.type !== "literal") parts[p.type] = Number(p.value);
  }
  const ms = ((utcMs % 1000) + 1000) % 1000;
  return Date.UTC(
    parts.year ?? 1970,
    (parts.month ?? 1) - 1,
    parts.day ?? 1,
    parts.hour ?? 0,
    parts.minute ?? 0,
    parts.second ?? 0,
    ms,
  );
}

/** The UTC instant of a wall time in `zone` (in a DST gap, the instant just after it). */
export function fromWall(wallMs: number, zone: string): number {
  if (zone === "UTC") return wallMs;
  let guess = wallMs - (toWall(wallMs, zone) - wallMs);
  // Twice is enough: the offset at the first guess can differ from the one at the answer.
  for (let i = 0; i < 2; i++) {
    const offset = toWall(guess, zone) - guess;
    guess = wallMs - offset;
  }
  return guess;
}

/** The start of the `granularity` period holding `wallMs` (weeks start on Monday, as in Cube). */
export function truncateWall(wallMs: number, granularity: Granularity): number {
  const d = new Date(wallMs);
  const y = d.getUTCFullYear();
  const m = d.getUTCMonth();
  switch (granularity) {
    case "second":
      return Math.floor(wallMs / 1000) * 1000;
    case "minute":
      return Math.floor(wallMs / 60_000) * 60_000;
    case "hour":
      return Math.floor(wallMs / 3_600_000) * 3_600_000;
    case "day":
      return Date.UTC(y, m, d.getUTCDate());
    case "week":
      return Date.UTC(y, m, d.getUTCDate() - ((d.getUTCDay() + 6) % 7));
    case "month":
      return Date.UTC(y, m, 1);
    case "quarter":
      return Date.UTC(y, m - (m % 3), 1);
    case "year":
      return Date.UTC(y, 0, 1);
  }
}

/** `wallMs` moved by `n` periods of `granularity` (calendar-aware for months and longer). */
export function addWall(wallMs: number, granularity: Granularity, n: number): number {
  const d = new Date(wallMs);
  switch (granularity) {
    case "second":
      return wallMs + n * 1000;
    case "minute":
      return wallMs + n * 60_000;
    case "hour":
      return wallMs + n * 3_600_000;
    case "day":
      return wallMs + n * 86_400_000;
    case "week":
      return wallMs + n * 7 * 86_400_000;
    case "month":
    case "quarter":
    case "year": {
      const months = granularity === "month" ? n : granularity === "quarter" ? 3 * n : 12 * n;
      const target = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + months, 1));
      const lastDay = new Date(
        Date.UTC(target.getUTCFullYear(), target.getUTCMonth() + 1, 0),
      ).getUTCDate();
      target.setUTCDate(Math.min(d.getUTCDate(), lastDay));
      return (
        target.getTime() + (wallMs - Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()))
      );
    }
  }
}

/** Cube's time format: `2024-01-01T00:00:00.000` (wall time, no zone). */
export function formatWall(wallMs: number): string {
  return new Date(wallMs).toISOString().slice(0, 23);
}

/** The database's timestamp literal for a UTC instant: `2024-01-01 00:00:00.000`. */
export function formatUtcForDb(utcMs: number): string {
  return new Date(utcMs).toISOString().slice(0, 23).replace("T", " ");
}
