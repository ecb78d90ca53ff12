/**
 * Date ranges as Cube reads them: `[from, to]` dates or date-times, or a relative phrase
 * (`today`, `last 7 days`, `this month`, `from 3 days ago to now`, ...), all in the query's
 * zone. The result is an inclusive range of wall times (see time-zone.ts).
 */
import { QueryError } from "./errors.js";
import type { DateRangeInput, Granularity } from "./query-schema.js";
import { addWall, toWall, truncateWall } from "./time-zone.js";

export interface WallRange {
  from: number;
  /** Inclusive: the last millisecond of the range. */
  to: number;
}

const UNIT = "(second|minute|hour|day|week|month|quarter|year)s?";
const ABSOLUTE =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?\s*(Z|[+-]\d{2}:?\d{2})?$/;

/** The period of `unit` holding `wall`, as an inclusive range. */
function period(wall: number, unit: Granularity): WallRange {
  const from = truncateWall(wall, unit);
  return { from, to: addWall(from, unit, 1) - 1 };
}

function parseRelative(text: string, nowWall: number): WallRange | null {
  const phrase = text.trim().toLowerCase().replace(/\s+/g, " ");
  if (phrase === "today") return period(nowWall, "day");
  if (phrase === "yesterday") return period(addWall(nowWall, "day", -1), "day");
  if (phrase === "tomorrow") return period(addWall(nowWall, "day", 1), "day");
  let m = new RegExp(`^(this|last|next) ${UNIT}$`).exec(phrase);
  if (m) {
    const unit = m[2] as Granularity;
    const shift = m[1] === "this" ? 0 : m[1] === "last" ? -1 : 1;
    return period(addWall(nowWall, unit, shift), unit);
  }
  m = new RegExp(`^(last|next) (\\d{1,6}) ${UNIT}$`).exec(phrase);
  if (m) {
    // Cube: whole periods before (or after) the current one, which is left out.
    const unit = m[3] as Granularity;
    const n = Number(m[2]);
    const current = truncateWall(nowWall, unit);
    return m[1] === "last"
      ? { from: addWall(current, unit, -n), to: current - 1 }
      : { from: addWall(current, unit, 1), to: addWall(current, unit, n + 1) - 1 };
  }
  m = new RegExp(`^from (\\d{1,6}) ${UNIT} ago to now$`).exec(phrase);
  if (m) {
    const unit = m[2] as Granularity;
    return {
      from: addWall(truncateWall(nowWall, unit), unit, -Number(m[1])),
      to: period(nowWall, unit).to,
    };
  }
  m = new RegExp(`^from now to (\\d{1,6}) ${UNIT} from now$`).exec(phrase);
  if (m) {
    const unit = m[2] as Granularity;
    return {
      from: truncateWall(nowWall, unit),
      to: addWall(period(nowWall, unit).to + 1, unit, Number(m[1])) - 1,
    };
  }
  m = new RegExp(`^(\\d{1,6}) ${UNIT} ago$`).exec(phrase);
  if (m) return period(addWall(nowWall, m[2] as Granularity, -Number(m[1])), m[2] as Granularity);
  return null;
}

/**
 * One end of an absolute range as wall time in `zone`. A bare date is the start of that day,
 * or its last millisecond when it ends a range.
 */
export function parseDate(text: string, zone: string, end: boolean): number {
  const m = ABSOLUTE.exec(text.trim());
  if (!m) throw new QueryError(`Can't parse date: '${text.slice(0, 100)}'`);
  const [y, mo, d, h, mi, s, frac, offset] = m.slice(1);
  const ms = frac ? Number(frac.slice(0, 3).padEnd(3, "0")) : 0;
  const wall = Date.UTC(
    Number(y),
    Number(mo) - 1,
    Number(d),
    Number(h ?? 0),
    Number(mi ?? 0),
    Number(s ?? 0),
    ms,
  );
  const check = new Date(wall);
  if (
    check.getUTCDate() !== Number(d) ||
    check.getUTCMonth() !== Number(mo) - 1 ||
    Number(h ?? 0) > 23
  ) {
    throw new QueryError(`Can't parse date: '${text.slice(0, 100)}'`);
  }
  if (offset) {
    const sign = offset === "Z" ? 0 : offset.startsWith("-") ? -1 : 1;
    const digits = offset.replace(/[^0-9]/g, "");
    const minutes = sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2) || 0));
    return toWall(wall - minutes * 60_000, zone);
  }
  if (h === undefined && end) return wall + 86_400_000 - 1;
  // Cube reads a to-value without milliseconds as the end of that second.
  if (end && frac === undefined) return wall + (s === undefined ? 59_999 : 999);
  return wall;
}

/** Reads a `dateRange` (or an inDateRange filter's values) in `zone` at the instant `nowMs`. */
export function parseDateRange(input: DateRangeInput, zone: string, nowMs: number): WallRange {
  if (typeof input === "string") {
    const relative = parseRelative(input, toWall(nowMs, zone));
    if (relative) return relative;
    if (ABSOLUTE.test(input.trim()))
      return { from: parseDate(input, zone, false), to: parseDate(input, zone, true) };
    throw new QueryError(`Can't parse date range: '${input.slice(0, 100)}'`);
  }
  const from = parseDate(input[0], zone, false);
  const to = parseDate(input[1], zone, true);
  if (to < from)
    throw new QueryError(`Date range ends before it starts: ${input[0]} - ${input[1]}`);
  return { from, to };
}
