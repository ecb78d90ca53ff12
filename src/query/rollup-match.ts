/**
 * Between plan and render: whether one of the cube's rollups (model-file.ts) can answer the
 * query with the same figures as its events. A rollup can when it holds every measure and
 * dimension the query reads, its time buckets are no finer than the query's (in UTC) and
 * every filter is on its dimensions or cuts its time at bucket boundaries. Anything else
 * (other segments, measure filters, ungrouped rows, other zones) reads the events.
 */
import { type Dimension, type Measure, type Rollup, rollupColumn } from "./model/member.js";
import type { Condition, NormalQuery } from "./normal-query.js";
import { GRANULARITIES, type Operator } from "./query-schema.js";

export interface RollupRoute {
  readonly rollup: Rollup;
  /**
   * Every key of the rollup but the counted value is fixed or grouped by the query, so each
   * row counted is a distinct value: `count(x)` gives `count(DISTINCT x)`, much faster.
   */
  readonly distinctRows: boolean;
}

const MIDNIGHT = " 00:00:00.000";
const END_OF_DAY = " 23:59:59.999";

/** Where each bound of a time comparison must fall for day buckets to give the same rows. */
const DAY_BOUNDS: Partial<Record<Operator, readonly string[]>> = {
  inDateRange: [MIDNIGHT, END_OF_DAY],
  notInDateRange: [MIDNIGHT, END_OF_DAY],
  beforeDate: [MIDNIGHT],
  lt: [MIDNIGHT],
  afterOrOnDate: [MIDNIGHT],
  gte: [MIDNIGHT],
  beforeOrOnDate: [END_OF_DAY],
  lte: [END_OF_DAY],
  afterDate: [END_OF_DAY],
  gt: [END_OF_DAY],
};

/** Members are matched by their SQL: aliases such as `docPath` read the same column. */
const same = (a: Dimension, b: Dimension | undefined) => a.sql.duckdb === b?.sql.duckdb;

/** The rollup's column for `dimension`: its time bucket, a dimension key, or none. */
export function rollupColumnOf(rollup: Rollup, dimension: Dimension): string | null {
  if (same(dimension, rollup.time?.dimension)) return rollupColumn.bucket;
  const own = rollup.dimensions.find((d) => same(dimension, d));
  return own ? rollupColumn.dimension(own.name) : null;
}

/** A segment that only lets bots in (its SQL keeps every row): the rollups key on the flag. */
const onlyIncludesBots = (sql: string) => /^\s*1\s*=\s*1\s*$/.test(sql);

function conditionFits(c: Condition, rollup: Rollup): boolean {
  if (c.kind !== "leaf") return c.items.every((item) => conditionFits(item, rollup));
  const { member, operator } = c;
  if (member.kind !== "dimension") return false;
  if (rollup.dimensions.some((d) => same(member, d))) return true;
  if (!same(member, rollup.time?.dimension)) return false;
  if (operator === "set" || operator === "notSet") return true;
  const bounds = DAY_BOUNDS[operator];
  return bounds?.every((suffix, i) => String(c.values[i] ?? "").endsWith(suffix)) === true;
}

function fits(query: NormalQuery, rollup: Rollup): boolean {
  const day = GRANULARITIES.indexOf("day");
  const has = (m: Measure) => rollup.measures.includes(m) || rollup.distinct === m;
  const dimension = (d: Dimension) => rollup.dimensions.some((own) => same(d, own));
  return (
    query.measures.every(has) &&
    query.dimensions.every(dimension) &&
    query.timeDimensions.every(
      (t) =>
        same(t.dimension, rollup.time?.dimension) &&
        (t.granularity === null ||
          (GRANULARITIES.indexOf(t.granularity) >= day && query.timezone === "UTC")),
    ) &&
    query.where.every((c) => conditionFits(c, rollup))
  );
}

export function routeToRollup(query: NormalQuery): RollupRoute | null {
  if (query.cube.source !== "events" || query.ungrouped || query.having.length > 0) return null;
  if (!query.segments.every((s) => s.includeBots && onlyIncludesBots(s.sql.duckdb))) return null;
  const rollup = query.cube.rollups.find((r) => fits(query, r));
  if (!rollup) return null;
  const distinctRows =
    !query.includeBots &&
    rollup.dimensions.every((d) => query.dimensions.some((q) => same(q, d))) &&
    (rollup.time === null ||
      query.timeDimensions.some((t) => t.granularity === rollup.time?.granularity));
  return { rollup, distinctRows };
}
