/**
 * The dashboard filters (reference §2, v2 `filters`): date range presets and "exclude
 * anonymous users". Which ones a dashboard shows and its default come from its settings; the
 * chosen state lives in the URL (`?range=30d`, `?range=custom&from=…&to=…`, `?anon=exclude`).
 */
import type { DashboardFilterSettings } from "../api/types";

export const DATE_RANGE_PRESETS = ["today", "7d", "30d", "60d", "90d", "180d", "custom"] as const;
export type DateRangePreset = (typeof DATE_RANGE_PRESETS)[number];

export const PRESET_LABELS: Record<DateRangePreset, string> = {
  today: "Today",
  "7d": "Last 7 days",
  "30d": "Last 30 days",
  "60d": "Last 60 days",
  "90d": "Last 90 days",
  "180d": "Last 180 days",
  custom: "Custom range",
};

const PRESET_DAYS: Record<Exclude<DateRangePreset, "custom">, number> = {
  today: 0,
  "7d": 7,
  "30d": 30,
  "60d": 60,
  "90d": 90,
  "180d": 180,
};

/** What a dashboard offers, after its settings and the defaults. */
export interface FilterConfig {
  dateRange: {
    enabled: boolean;
    options: DateRangePreset[];
    defaultOption: DateRangePreset;
    maxDays: number | null;
  };
  excludeAnonymousUsers: boolean;
}

/** When a dashboard says nothing: every preset, the last 30 days, and the anonymous filter. */
export const DEFAULT_PRESET: DateRangePreset = "30d";

const isPreset = (value: unknown): value is DateRangePreset =>
  typeof value === "string" && (DATE_RANGE_PRESETS as readonly string[]).includes(value);

export function filterConfig(settings: DashboardFilterSettings | null): FilterConfig {
  const range = settings?.dateRange;
  const listed = (range?.options ?? []).filter(isPreset);
  const options = listed.length
    ? DATE_RANGE_PRESETS.filter((p) => listed.includes(p))
    : [...DATE_RANGE_PRESETS];
  const wanted = isPreset(range?.defaultOption) ? range.defaultOption : DEFAULT_PRESET;
  const defaultOption = options.includes(wanted) ? wanted : (options[0] ?? DEFAULT_PRESET);
  return {
    dateRange: {
      enabled: settings === null ? true : range?.enabled === true,
      options,
      defaultOption,
      maxDays: typeof range?.numberOfDaysLimit === "number" ? range.numberOfDaysLimit : null,
    },
    excludeAnonymousUsers:
      settings === null ? true : settings.excludeAnonymousUsers?.enabled === true,
  };
}

/** The filters in force. Dates are `YYYY-MM-DD`, in UTC like the queries. */
export interface FilterState {
  preset: DateRangePreset;
  from: string;
  to: string;
  excludeAnonymous: boolean;
}

export const isoDay = (at: number) => new Date(at).toISOString().slice(0, 10);
const DAY = 24 * 3600 * 1000;

/** [from, to] of a preset: "7d" is the seven days before today, and today. */
export function presetRange(preset: Exclude<DateRangePreset, "custom">, now = Date.now()) {
  return { from: isoDay(now - PRESET_DAYS[preset] * DAY), to: isoDay(now) };
}

const DAY_PATTERN = /^\d{4}-\d{2}-\d{2}$/;

/** Reads the URL's query into a state the dashboard allows. */
export function readFilterState(
  query: Record<string, unknown>,
  config: FilterConfig,
  now = Date.now(),
): FilterState {
  const asked = query.range;
  let preset =
    isPreset(asked) && config.dateRange.options.includes(asked)
      ? asked
      : config.dateRange.defaultOption;
  const excludeAnonymous = config.excludeAnonymousUsers && query.anon === "exclude";
  if (preset === "custom") {
    const from = typeof query.from === "string" && DAY_PATTERN.test(query.from) ? query.from : null;
    const to = typeof query.to === "string" && DAY_PATTERN.test(query.to) ? query.to : null;
    if (from && to && from <= to) return { preset, from, to, excludeAnonymous };
    preset = config.dateRange.options.find((p) => p !== "custom") ?? DEFAULT_PRESET;
    if (preset === "custom") preset = DEFAULT_PRESET;
  }
  return {
    preset,
    ...presetRange(preset as Exclude<DateRangePreset, "custom">, now),
    excludeAnonymous,
  };
}

/** The URL query for a state; defaults are left out so plain links stay plain. */
export function writeFilterState(state: FilterState, config: FilterConfig): Record<string, string> {
  const out: Record<string, string> = {};
  if (config.dateRange.enabled && state.preset !== config.dateRange.defaultOption)
    out.range = state.preset;
  if (state.preset === "custom") {
    out.range = "custom";
    out.from = state.from;
    out.to = state.to;
  }
  if (state.excludeAnonymous) out.anon = "exclude";
  return out;
}

/** Days in a range, both ends included. */
export function daysIn(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY) + 1;
}
