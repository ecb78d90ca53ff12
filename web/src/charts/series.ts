/**
 * Turns a Cube result into what a chart draws: one series per measure (and per combination of
 * dimension values), over time when the query has a time dimension with a granularity, over
 * categories otherwise. Missing days in a day-granular range count as zero, as GitLab shows them.
 */
import type { CubeQuery, CubeResult, CubeRow } from "../api/types";
import { toNumber } from "../format/number";

export interface Series {
  name: string;
  /** [x, y]: x is epoch ms on a time axis, the category otherwise. */
  points: Array<[number | string, number]>;
}

export interface ChartData {
  axis: "time" | "category";
  categories: string[];
  series: Series[];
}

export function memberTitle(result: CubeResult, member: string): string {
  const a = result.annotation;
  const found = a.measures[member] ?? a.dimensions[member] ?? a.timeDimensions[member];
  return found?.shortTitle || found?.title || member.split(".").pop() || member;
}

const text = (value: CubeRow[string] | undefined) =>
  value === null || value === undefined || value === "" ? "∅" : String(value);

/** Epoch ms of Cube's `2024-01-01T00:00:00.000` (UTC). */
export const timeOf = (value: unknown) =>
  Date.parse(String(value).endsWith("Z") ? String(value) : `${value}Z`);

function timeKey(query: CubeQuery): { key: string; granularity: string } | null {
  const td = query.timeDimensions?.find((t) => t.granularity);
  return td?.granularity
    ? { key: `${td.dimension}.${td.granularity}`, granularity: td.granularity }
    : null;
}

function dayRange(query: CubeQuery): [number, number] | null {
  const td = query.timeDimensions?.find((t) => t.granularity === "day");
  const range = td?.dateRange;
  if (!Array.isArray(range) || range.length !== 2) return null;
  const from = Date.parse(`${String(range[0]).slice(0, 10)}T00:00:00Z`);
  const to = Date.parse(`${String(range[1]).slice(0, 10)}T00:00:00Z`);
  return Number.isFinite(from) && Number.isFinite(to) && to >= from && to - from < 400 * 86_400_000
    ? [from, to]
    : null;
}

export function chartData(result: CubeResult, query: CubeQuery): ChartData {
  const measures = query.measures ?? [];
  const dimensions = query.dimensions ?? [];
  const time = timeKey(query);
  const byName = new Map<string, Series>();
  const seriesFor = (name: string) => {
    let s = byName.get(name);
    if (!s) {
      s = { name, points: [] };
      byName.set(name, s);
    }
    return s;
  };

  if (time) {
    for (const row of result.data) {
      const at = timeOf(row[time.key]);
      if (!Number.isFinite(at)) continue;
      const split = dimensions.map((d) => text(row[d])).join(" / ");
      for (const m of measures) {
        const title = memberTitle(result, m);
        const name = split ? (measures.length > 1 ? `${split} · ${title}` : split) : title;
        seriesFor(name).points.push([at, toNumber(row[m]) ?? 0]);
      }
    }
    const days = dayRange(query);
    if (days) {
      for (const s of byName.values()) {
        const have = new Map(s.points.map(([x, y]) => [x as number, y]));
        s.points = [];
        for (let at = days[0]; at <= days[1]; at += 86_400_000)
          s.points.push([at, have.get(at) ?? 0]);
      }
    } else {
      for (const s of byName.values()) s.points.sort((a, b) => (a[0] as number) - (b[0] as number));
    }
    if (byName.size === 0 && days) for (const m of measures) seriesFor(memberTitle(result, m));
    return { axis: "time", categories: [], series: [...byName.values()] };
  }

  const categories: string[] = [];
  for (const row of result.data) {
    const category = dimensions.length ? dimensions.map((d) => text(row[d])).join(" / ") : "Total";
    categories.push(category);
    for (const m of measures)
      seriesFor(memberTitle(result, m)).points.push([category, toNumber(row[m]) ?? 0]);
  }
  return { axis: "category", categories, series: [...byName.values()] };
}

/** A funnel cube's query: `<funnel>.count` by `<funnel>.step`. */
export function isFunnelQuery(query: CubeQuery): boolean {
  const measure = query.measures?.[0];
  if (!measure?.endsWith(".count")) return false;
  const cube = measure.slice(0, -".count".length);
  return (query.dimensions ?? []).includes(`${cube}.step`);
}

/** The funnel's steps in order with how many users reached each. */
export function funnelSteps(
  result: CubeResult,
  query: CubeQuery,
): Array<{ name: string; value: number }> {
  const measure = query.measures?.[0] as string;
  const cube = measure.slice(0, -".count".length);
  const rows = [...result.data].sort(
    (a, b) => (toNumber(a[`${cube}.stepNumber`]) ?? 0) - (toNumber(b[`${cube}.stepNumber`]) ?? 0),
  );
  return rows.map((row) => ({
    name: text(row[`${cube}.step`]),
    value: toNumber(row[measure]) ?? 0,
  }));
}
