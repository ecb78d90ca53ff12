/**
 * Stage 5, shape: turns database rows into Cube's result: rows keyed by `Cube.member` (time
 * dimensions also by `Cube.member.granularity`), numbers as strings, times as
 * `2024-01-01T00:00:00.000`, zero-filled buckets, and the annotation Cube clients read.
 */
import type { Measure } from "./model/member.js";
import type { QueryPlan } from "./plan.js";
import { addWall, formatWall, truncateWall } from "./time-zone.js";

export type CubeRow = Record<string, string | boolean | null>;

export interface CubeResult {
  query: Readonly<Record<string, unknown>>;
  data: CubeRow[];
  lastRefreshTime: string;
  annotation: Annotation;
  dataSource: "default";
  dbType: string;
  extDbType: "cubestore";
  external: false;
  slowQuery: false;
  total?: number;
}

export interface Annotation {
  measures: Record<string, unknown>;
  dimensions: Record<string, unknown>;
  segments: Record<string, unknown>;
  timeDimensions: Record<string, unknown>;
}

const MAX_BUCKETS = 50_000;

/** Measures whose value over no rows is 0 (the others are null). */
const ZERO_WHEN_EMPTY = new Set<Measure["type"]>([
  "count",
  "countDistinct",
  "countDistinctApprox",
  "sum",
]);

/** `2024-01-01 10:00:00` or `2024-01-01T10:00:00.5` → `2024-01-01T10:00:00.500`. */
export function formatTimeValue(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  const text = String(value);
  const m = /^(\d{4}-\d{2}-\d{2})(?:[ T](\d{2}:\d{2}:\d{2})(?:\.(\d+))?)?/.exec(text);
  if (!m) return text;
  return `${m[1]}T${m[2] ?? "00:00:00"}.${(m[3] ?? "").slice(0, 3).padEnd(3, "0")}`;
}

function cell(value: unknown): string | boolean | null {
  if (value === null || value === undefined) return null;
  if (typeof value === "boolean") return value;
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "bigint") return String(value);
  return JSON.stringify(value);
}

export function shapeResult(
  plan: QueryPlan,
  rows: readonly Record<string, unknown>[],
  options: { dbType: string; total?: number | undefined; now: number },
): CubeResult {
  let data: CubeRow[] = rows.map((row) => {
    const out: CubeRow = {};
    for (const d of plan.dimensions) {
      const raw = row[d.alias];
      const value = d.time ? formatTimeValue(raw) : cell(raw);
      for (const key of d.keys) out[key] = value;
    }
    for (const m of plan.measures) out[m.measure.fullName] = cell(row[m.alias]);
    return out;
  });
  if (plan.zeroFill) data = zeroFill(plan, data);
  if (plan.query.compareLabel)
    for (const row of data) row.compareDateRange = plan.query.compareLabel;
  const result: CubeResult = {
    query: plan.query.echo,
    data,
    lastRefreshTime: new Date(options.now).toISOString(),
    annotation: annotate(plan),
    dataSource: "default",
    dbType: options.dbType,
    extDbType: "cubestore",
    external: false,
    slowQuery: false,
  };
  if (options.total !== undefined) result.total = options.total;
  return result;
}

function zeroFill(plan: QueryPlan, data: CubeRow[]): CubeRow[] {
  const fill = plan.zeroFill;
  const time = plan.dimensions[0];
  if (!fill || !time) return data;
  const key = time.keys[0] as string;
  const byTime = new Map(data.map((row) => [row[key], row]));
  const filled: CubeRow[] = [];
  for (
    let t = truncateWall(fill.range.from, fill.granularity);
    t <= fill.range.to;
    t = addWall(t, fill.granularity, 1)
  ) {
    // A long range at a fine granularity is not filled: more buckets than any answer may hold.
    if (filled.length >= MAX_BUCKETS) return data;
    const label = formatWall(t);
    filled.push(byTime.get(label) ?? emptyRow(plan, time.keys, label));
    byTime.delete(label);
  }
  // Rows outside the generated buckets (e.g. a DST oddity) are kept, not lost.
  filled.push(...byTime.values());
  filled.sort((a, b) => String(a[key]).localeCompare(String(b[key])) * (fill.desc ? -1 : 1));
  return filled.slice(0, plan.query.limit);
}

function emptyRow(plan: QueryPlan, keys: readonly string[], label: string): CubeRow {
  const row: CubeRow = {};
  for (const k of keys) row[k] = label;
  for (const m of plan.measures)
    row[m.measure.fullName] = ZERO_WHEN_EMPTY.has(m.measure.type) ? "0" : null;
  return row;
}

const GRANULARITY_TITLES: Record<string, string> = {
  second: "second",
  minute: "minute",
  hour: "hour",
  day: "day",
  week: "week",
  month: "month",
  quarter: "quarter",
  year: "year",
};

function annotate(plan: QueryPlan): Annotation {
  const { query } = plan;
  const measures: Record<string, unknown> = {};
  for (const m of query.measures) {
    measures[m.fullName] = {
      title: m.title,
      shortTitle: m.shortTitle,
      type: "number",
      drillMembers: [],
      drillMembersGrouped: { measures: [], dimensions: [] },
    };
  }
  const dimensions: Record<string, unknown> = {};
  for (const d of query.dimensions)
    dimensions[d.fullName] = { title: d.title, shortTitle: d.shortTitle, type: d.type };
  const segments: Record<string, unknown> = {};
  for (const s of query.segments)
    segments[s.fullName] = { title: s.title, shortTitle: s.shortTitle };
  const timeDimensions: Record<string, unknown> = {};
  for (const t of query.timeDimensions) {
    if (!t.granularity) continue;
    const base = { title: t.dimension.title, shortTitle: t.dimension.shortTitle, type: "time" };
    timeDimensions[t.key] = {
      ...base,
      title: `${t.dimension.title} (${GRANULARITY_TITLES[t.granularity]})`,
      granularity: {
        name: t.granularity,
        title: GRANULARITY_TITLES[t.granularity],
        interval: `1 ${t.granularity}`,
      },
    };
    timeDimensions[t.dimension.fullName] = base;
  }
  return { measures, dimensions, segments, timeDimensions };
}
