/**
 * Stage 2, plan: decides the shape of the SQL without writing any: which cube source and which
 * of its window columns to compute, the selected columns with their aliases and response keys,
 * grouping, ordering, and whether the result needs zero-filled time buckets.
 */
import type { WallRange } from "./date-range.js";
import type { Dimension, Measure } from "./model/member.js";
import type { Condition, NormalQuery } from "./normal-query.js";
import type { Granularity } from "./query-schema.js";

export interface PlannedDimension {
  readonly alias: string;
  readonly dimension: Dimension;
  /** null: a plain dimension; otherwise a time dimension, with its granularity if any. */
  readonly time: { readonly granularity: Granularity | null } | null;
  /** Response keys the value is written under. */
  readonly keys: readonly string[];
}

export interface PlannedMeasure {
  readonly alias: string;
  readonly measure: Measure;
}

export interface ZeroFill {
  readonly alias: string;
  readonly granularity: Granularity;
  readonly range: WallRange;
  readonly desc: boolean;
}

export interface QueryPlan {
  readonly query: NormalQuery;
  /** Window columns of the cube that some member of the query reads. */
  readonly windowColumns: readonly string[];
  readonly dimensions: readonly PlannedDimension[];
  readonly measures: readonly PlannedMeasure[];
  readonly order: readonly { readonly alias: string; readonly desc: boolean }[];
  readonly zeroFill: ZeroFill | null;
}

function conditionMembers(c: Condition, into: Set<Dimension | Measure>): void {
  if (c.kind === "leaf") into.add(c.member);
  else for (const item of c.items) conditionMembers(item, into);
}

export function planQuery(query: NormalQuery): QueryPlan {
  const dimensions: PlannedDimension[] = [];
  query.timeDimensions.forEach((t, i) => {
    // Without a granularity a time dimension only filters (by its dateRange), as in Cube.
    if (!t.granularity) return;
    const keys = [t.key, t.dimension.fullName];
    dimensions.push({
      alias: `t${i}`,
      dimension: t.dimension,
      time: { granularity: t.granularity },
      keys,
    });
  });
  query.dimensions.forEach((d, i) => {
    dimensions.push({
      alias: `d${i}`,
      dimension: d,
      time: d.type === "time" ? { granularity: null } : null,
      keys: [d.fullName],
    });
  });
  const measures = query.measures.map((measure, i) => ({ alias: `m${i}`, measure }));

  const order = query.order.flatMap((o) => {
    const t = o.target;
    let alias: string | undefined;
    if (t.kind === "measure") alias = measures.find((m) => m.measure === t.measure)?.alias;
    else if (t.kind === "dimension")
      alias = dimensions.find((d) => d.dimension === t.dimension && !d.time?.granularity)?.alias;
    else alias = dimensions.find((d) => d.keys.includes(t.time.key))?.alias;
    return alias ? [{ alias, desc: o.desc }] : [];
  });

  const used = new Set<Dimension | Measure>([...query.measures, ...query.dimensions]);
  for (const t of query.timeDimensions) used.add(t.dimension);
  for (const c of [...query.where, ...query.having]) conditionMembers(c, used);
  const windows = new Set<string>();
  for (const m of [...used, ...query.segments]) for (const w of m.windowColumns) windows.add(w);
  return {
    query,
    windowColumns: [...windows],
    dimensions,
    measures,
    order,
    zeroFill: zeroFillFor(query, dimensions, order),
  };
}

/**
 * GitLab's charts expect every bucket of a bounded range, 0 where nothing happened. Filled
 * when the time dimension is the only one and the rows are ordered by it from the first row.
 */
function zeroFillFor(
  query: NormalQuery,
  dimensions: readonly PlannedDimension[],
  order: readonly { alias: string; desc: boolean }[],
): ZeroFill | null {
  if (query.ungrouped || query.offset > 0 || dimensions.length !== 1 || query.having.length > 0)
    return null;
  const only = dimensions[0];
  const time = query.timeDimensions.find((t) => t.granularity && t.range);
  if (!only || !time?.granularity || !time.range || !only.keys.includes(time.key)) return null;
  if (order.length > 1 || (order[0] && order[0].alias !== only.alias)) return null;
  return {
    alias: only.alias,
    granularity: time.granularity,
    range: time.range,
    desc: order[0]?.desc ?? false,
  };
}
