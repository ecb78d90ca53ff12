/**
 * Numbers for people: compact figures (1.2k, 3.4M) on axes and tiles, grouped digits in
 * tables, fixed decimals where a visualization asks for them, durations in minutes.
 */

const compact = new Intl.NumberFormat("en", { notation: "compact", maximumFractionDigits: 1 });
const grouped = new Intl.NumberFormat("en", { maximumFractionDigits: 2 });

/** Cube sends numbers as strings; anything not a finite number is null. */
export function toNumber(value: unknown): number | null {
  if (value === null || value === undefined || value === "") return null;
  const n = typeof value === "number" ? value : Number(value);
  return Number.isFinite(n) ? n : null;
}

/** 1234 → "1.2K", 3_400_000 → "3.4M"; small numbers keep two decimals at most. */
export function formatCompact(value: number): string {
  return Math.abs(value) < 1000 ? grouped.format(value) : compact.format(value);
}

/** 1234567 → "1,234,567". */
export function formatGrouped(value: number): string {
  return grouped.format(value);
}

/** A fixed number of decimals with grouped digits: (1234.5, 2) → "1,234.50". */
export function formatDecimals(value: number, decimalPlaces: number): string {
  return new Intl.NumberFormat("en", {
    minimumFractionDigits: decimalPlaces,
    maximumFractionDigits: decimalPlaces,
  }).format(value);
}

/** Minutes as people read them: 0.75 → "45s", 12.5 → "12m 30s", 135 → "2h 15m". */
export function formatMinutes(minutes: number): string {
  if (minutes < 1) return `${Math.round(minutes * 60)}s`;
  if (minutes < 60) {
    const whole = Math.floor(minutes);
    const seconds = Math.round((minutes - whole) * 60);
    return seconds ? `${whole}m ${seconds}s` : `${whole}m`;
  }
  const hours = Math.floor(minutes / 60);
  const rest = Math.round(minutes - hours * 60);
  return rest ? `${hours}h ${rest}m` : `${hours}h`;
}

/**
 * A single figure with a visualization's options: `decimalPlaces` fixes the decimals (else
 * large numbers are compact), `unit` follows.
 */
export function formatStat(value: number, decimalPlaces?: number, unit?: string): string {
  const figure =
    decimalPlaces !== undefined
      ? formatDecimals(value, decimalPlaces)
      : Number.isInteger(value) && Math.abs(value) < 100_000
        ? formatGrouped(value)
        : formatCompact(value);
  if (!unit) return figure;
  return unit === "%" ? `${figure}%` : `${figure} ${unit}`;
}

/** "2024-03-05T00:00:00.000" → "Mar 5, 2024" (UTC, as the queries run). */
export function formatDay(iso: string): string {
  const date = new Date(iso.endsWith("Z") ? iso : `${iso}Z`);
  if (Number.isNaN(date.getTime())) return iso;
  return date.toLocaleDateString("en", {
    month: "short",
    day: "numeric",
    year: "numeric",
    timeZone: "UTC",
  });
}

/** "2024-03" → "Mar 2024". */
export function formatMonth(month: string): string {
  const date = new Date(`${month}-01T00:00:00Z`);
  return date.toLocaleDateString("en", { month: "short", year: "numeric", timeZone: "UTC" });
}
