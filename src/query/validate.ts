/**
 * Stage 1, validate and normalise: checks a Cube query against the model and turns it into a
 * NormalQuery (members resolved, values typed, date ranges absolute, default order applied).
 * Every mistake is a QueryError (HTTP 400) that names the culprit.
 */
import { parseDateRange, type WallRange } from "./date-range.js";
import { QueryError } from "./errors.js";
import type { CompiledModel, Dimension, Measure } from "./model/member.js";
import type { Condition, NormalQuery, OrderItem, TimeDimension } from "./normal-query.js";
import { GRANULARITIES, type Granularity, type ParsedQuery, QUERY } from "./query-schema.js";
import { MemberResolver } from "./resolve-members.js";
import { formatWall, isValidZone } from "./time-zone.js";
import { normaliseFilter, toDb } from "./validate-filters.js";

export const DEFAULT_LIMIT = 10_000;
export const MAX_LIMIT = 50_000;
const MAX_FILTERS = 200;

export interface ValidateOptions {
  /** The instant relative date ranges are read at. */
  now: number;
}

/** Parses raw JSON into the query shape; the message names the first bad field. */
export function parseQuery(raw: unknown): ParsedQuery {
  const result = QUERY.safeParse(raw);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const path = issue?.path.map(String).join(".") ?? "";
  throw new QueryError(
    `Invalid query format: ${path ? `${path}: ` : ""}${issue?.message ?? "invalid"}`,
  );
}

/**
 * Normalises one query. A query with a compareDateRange becomes one NormalQuery per range.
 * @example normaliseQuery(model, { measures: ["TrackedEvents.count"] }, { now: Date.now() })
 */
export function normaliseQuery(
  model: CompiledModel,
  raw: unknown,
  options: ValidateOptions,
): NormalQuery[] {
  const query = parseQuery(raw);
  const timezone = query.timezone ?? "UTC";
  if (!isValidZone(timezone)) throw new QueryError(`Unknown timezone: '${timezone.slice(0, 64)}'`);
  const resolver = new MemberResolver(model);

  const measures = query.measures.map((n) => resolver.measure(n));
  const dimensions = query.dimensions.map((n) => resolver.dimension(n));
  const segments = query.segments.map((n) => resolver.segment(n));

  const compares = query.timeDimensions.filter((t) => t.compareDateRange);
  if (compares.length > 1)
    throw new QueryError("Only one time dimension may have a compareDateRange");
  const ranges: (WallRange | null)[][] = [];
  const times = query.timeDimensions.map((t) => {
    const dimension = resolver.dimension(t.dimension);
    if (dimension.type !== "time") {
      throw new QueryError(`${t.dimension} is a ${dimension.type} dimension, not a time dimension`);
    }
    let granularity: Granularity | null = null;
    if (t.granularity !== undefined) {
      if (!(GRANULARITIES as readonly string[]).includes(t.granularity)) {
        throw new QueryError(
          `Unknown granularity '${t.granularity.slice(0, 40)}' for ${t.dimension}: use one of ${GRANULARITIES.join(", ")}`,
        );
      }
      granularity = t.granularity as Granularity;
    }
    const list = t.compareDateRange ?? (t.dateRange !== undefined ? [t.dateRange] : [null]);
    ranges.push(list.map((r) => (r === null ? null : parseDateRange(r, timezone, options.now))));
    return { dimension, granularity };
  });

  let filterCount = 0;
  const where: Condition[] = [];
  const having: Condition[] = [];
  for (const input of query.filters) {
    const condition = normaliseFilter(input, resolver, timezone, options.now, () => {
      if (++filterCount > MAX_FILTERS)
        throw new QueryError(`A query may have at most ${MAX_FILTERS} filters`);
    });
    (usesMeasure(condition) ? having : where).push(condition);
  }

  const cube = resolver.singleCube();
  const selects = measures.length + dimensions.length + times.filter((t) => t.granularity).length;
  if (!cube || selects === 0) {
    throw new QueryError(
      "Query should contain either measures, dimensions or timeDimensions with granularities in order to be valid",
    );
  }

  if (query.ungrouped) {
    const bad = measures.find((m) => m.type === "number" || m.type.startsWith("countDistinct"));
    if (bad)
      throw new QueryError(`${bad.fullName} (${bad.type}) can't be used in an ungrouped query`);
    if (having.length) throw new QueryError("An ungrouped query can't filter on measures");
  }

  const limit = query.limit ?? query.rowLimit ?? DEFAULT_LIMIT;
  if (limit > MAX_LIMIT)
    throw new QueryError(`The query limit has been exceeded: limit must be at most ${MAX_LIMIT}`);

  const compareIndex = query.timeDimensions.findIndex((t) => t.compareDateRange);
  const variants = compareIndex >= 0 ? (ranges[compareIndex]?.length ?? 1) : 1;
  const result: NormalQuery[] = [];
  for (let v = 0; v < variants; v++) {
    const timeDimensions: TimeDimension[] = times.map((t, i) => {
      const list = ranges[i] ?? [null];
      const range = (i === compareIndex ? list[v] : list[0]) ?? null;
      const key = t.granularity ? `${t.dimension.fullName}.${t.granularity}` : t.dimension.fullName;
      return { ...t, range, key };
    });
    const rangeWhere: Condition[] = timeDimensions.flatMap((t) =>
      t.range
        ? [
            {
              kind: "leaf" as const,
              member: t.dimension,
              operator: "inDateRange" as const,
              values: [toDb(t.range.from, timezone), toDb(t.range.to, timezone)],
            },
          ]
        : [],
    );
    const order = normaliseOrder(query, resolver, measures, dimensions, timeDimensions);
    const compared = compareIndex >= 0 ? timeDimensions[compareIndex]?.range : null;
    const compareLabel = compared
      ? `${formatWall(compared.from)} - ${formatWall(compared.to)}`
      : null;
    const echo = echoQuery(query, timeDimensions, order, limit, timezone);
    result.push({
      cube,
      measures,
      dimensions,
      timeDimensions,
      segments,
      where: [...rangeWhere, ...where],
      having,
      order,
      limit,
      offset: query.offset ?? 0,
      total: query.total ?? false,
      timezone,
      ungrouped: query.ungrouped ?? false,
      includeBots: segments.some((s) => s.includeBots),
      compareLabel,
      echo,
    });
  }
  return result;
}

function usesMeasure(c: Condition): boolean {
  if (c.kind === "leaf") return c.member.kind === "measure" && c.operator !== "measureFilter";
  const kinds = new Set(c.items.map(usesMeasure));
  if (kinds.size > 1) {
    throw new QueryError("Dimensions and measures can't be mixed in one and/or filter group");
  }
  return kinds.has(true);
}

function normaliseOrder(
  query: ParsedQuery,
  resolver: MemberResolver,
  measures: readonly Measure[],
  dimensions: readonly Dimension[],
  times: readonly TimeDimension[],
): OrderItem[] {
  const find = (key: string): OrderItem["target"] | null => {
    const m = measures.find((x) => x.fullName === key);
    if (m) return { kind: "measure", measure: m };
    const d = dimensions.find((x) => x.fullName === key);
    if (d) return { kind: "dimension", dimension: d };
    const t = times.find((x) => x.dimension.fullName === key || x.key === key);
    if (t) return { kind: "time", time: t };
    return null;
  };
  if (query.order === undefined) {
    const time = times.find((t) => t.granularity);
    if (time)
      return [{ key: time.dimension.fullName, desc: false, target: { kind: "time", time } }];
    const measure = measures[0];
    if (measure)
      return [{ key: measure.fullName, desc: true, target: { kind: "measure", measure } }];
    const dimension = dimensions[0];
    if (dimension)
      return [{ key: dimension.fullName, desc: false, target: { kind: "dimension", dimension } }];
    return [];
  }
  const pairs: [string, boolean][] = Array.isArray(query.order)
    ? query.order.map((o) => (Array.isArray(o) ? [o[0], o[1] === "desc"] : [o.id, o.desc]))
    : Object.entries(query.order).map(([k, v]) => [k, v === "desc"]);
  const items: OrderItem[] = [];
  for (const [key, desc] of pairs) {
    const target = find(key);
    if (target) {
      items.push({ key, desc, target });
      continue;
    }
    // A known member that the query doesn't select is ignored, as Cube does; an unknown one is a mistake.
    const bare = key.split(".").slice(0, 2).join(".");
    resolver.filterable(bare);
  }
  return items;
}

function echoQuery(
  query: ParsedQuery,
  times: readonly TimeDimension[],
  order: readonly OrderItem[],
  limit: number,
  timezone: string,
): Record<string, unknown> {
  const echo: Record<string, unknown> = {
    measures: query.measures,
    dimensions: query.dimensions,
    segments: query.segments,
    timeDimensions: times.map((t) => ({
      dimension: t.dimension.fullName,
      ...(t.granularity ? { granularity: t.granularity } : {}),
      ...(t.range ? { dateRange: [formatWall(t.range.from), formatWall(t.range.to)] } : {}),
    })),
    filters: query.filters,
    order: order.map((o) => [o.key, o.desc ? "desc" : "asc"]),
    limit,
    rowLimit: limit,
    timezone,
    queryType: "regularQuery",
  };
  if (query.offset !== undefined) echo.offset = query.offset;
  if (query.total !== undefined) echo.total = query.total;
  if (query.ungrouped !== undefined) echo.ungrouped = query.ungrouped;
  return echo;
}
