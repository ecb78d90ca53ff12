/** Renders members and filter conditions as SQL expressions of a dialect, binding every value. */
import { QueryError } from "../errors.js";
import { type Cube, type Dimension, type Measure, rollupColumn } from "../model/member.js";
import type { Condition, FilterValue } from "../normal-query.js";
import { type RollupRoute, rollupColumnOf } from "../rollup-match.js";
import type { Dialect, ParamKind } from "./dialect.js";
import type { Params } from "./params.js";

export interface RenderContext {
  readonly dialect: Dialect;
  readonly params: Params;
  readonly cube: Cube;
  readonly ungrouped: boolean;
  /** Set when the query reads a rollup instead of the events (rollup-match.ts). */
  readonly rollup: RollupRoute | null;
}

/** A dimension's SQL: its expression over events, or its column of the rollup read. */
export function dimensionSql(ctx: RenderContext, dimension: Dimension): string {
  if (!ctx.rollup) return dimension.sql[ctx.dialect.name];
  const column = rollupColumnOf(ctx.rollup.rollup, dimension);
  if (!column) throw new Error(`${dimension.fullName} is not in rollup ${ctx.rollup.rollup.name}`);
  return `${ctx.dialect.quote(ctx.cube.name)}.${column}`;
}

/** A measure over a rollup's rows: additive columns re-aggregated, distinct values counted. */
function rollupMeasure(ctx: RenderContext, route: RollupRoute, measure: Measure): string {
  const column = (name: string) => `${ctx.dialect.quote(ctx.cube.name)}.${name}`;
  if (route.rollup.distinct === measure) {
    const x = column(rollupColumn.distinct(measure.name));
    return route.distinctRows ? `count(${x})` : `count(DISTINCT ${x})`;
  }
  const m = column(rollupColumn.measure(measure.name));
  switch (measure.type) {
    case "count":
      return `CAST(COALESCE(sum(${m}), 0) AS BIGINT)`;
    case "sum":
    case "min":
    case "max":
      return `${measure.type}(${m})`;
    default:
      throw new Error(`${measure.fullName} is not kept in rollup ${route.rollup.name}`);
  }
}

const and = (parts: readonly string[]): string => parts.map((p) => `(${p})`).join(" AND ");

/** A measure's SQL: its aggregate (or per-row value when ungrouped), with its filters applied. */
export function renderMeasure(ctx: RenderContext, measure: Measure, depth = 0): string {
  const d = ctx.dialect.name;
  if (ctx.rollup) return rollupMeasure(ctx, ctx.rollup, measure);
  if (measure.type === "number") {
    if (depth > 20) throw new QueryError(`${measure.fullName} nests measures too deeply`);
    return (measure.parts?.[d] ?? [])
      .map((part) => {
        if (typeof part === "string") return part;
        const inner = ctx.cube.measures.get(part.measure) as Measure;
        return `(${renderMeasure(ctx, inner, depth + 1)})`;
      })
      .join("");
  }
  const conditions = measure.filters.map((f) => f[d]);
  const value = measure.sql?.[d] ?? null;
  if (ctx.ungrouped) {
    const one = value ?? "1";
    if (conditions.length === 0) return one;
    return `CASE WHEN ${and(conditions)} THEN ${one} ELSE ${value === null ? "0" : "NULL"} END`;
  }
  if (conditions.length === 0) return ctx.dialect.aggregate(measure.type, value);
  return ctx.dialect.aggregate(
    measure.type,
    `CASE WHEN ${and(conditions)} THEN ${value ?? "1"} END`,
  );
}

function kindOf(member: Dimension | Measure): ParamKind {
  if (member.kind === "measure") return "number";
  if (member.type === "time") return "timestamp";
  return member.type;
}

/** A filter condition; values become bound parameters typed by the member. */
export function renderCondition(ctx: RenderContext, c: Condition): string {
  if (c.kind !== "leaf") {
    if (c.items.length === 0) return c.kind === "and" ? "1 = 1" : "1 = 0";
    return c.items
      .map((item) => `(${renderCondition(ctx, item)})`)
      .join(c.kind === "and" ? " AND " : " OR ");
  }
  const { member, operator } = c;
  if (operator === "measureFilter") {
    const conditions =
      member.kind === "measure" ? member.filters.map((f) => f[ctx.dialect.name]) : [];
    return conditions.length ? and(conditions) : "1 = 1";
  }
  const expr = member.kind === "measure" ? renderMeasure(ctx, member) : dimensionSql(ctx, member);
  const kind = kindOf(member);
  const bind = (v: FilterValue) => ctx.params.add(v, kind);
  const values = c.values;
  const first = () => bind(values[0] as FilterValue);
  switch (operator) {
    case "equals":
      return values.length === 1
        ? `${expr} = ${first()}`
        : `${expr} IN (${values.map(bind).join(", ")})`;
    case "notEquals":
      return values.length === 1
        ? `${expr} <> ${first()} OR ${expr} IS NULL`
        : `${expr} NOT IN (${values.map(bind).join(", ")}) OR ${expr} IS NULL`;
    case "contains":
    case "startsWith":
    case "endsWith":
      return values.map((v) => ctx.dialect.match(operator, expr, bind(v))).join(" OR ");
    case "notContains":
    case "notStartsWith":
    case "notEndsWith": {
      const match =
        operator === "notContains"
          ? "contains"
          : operator === "notStartsWith"
            ? "startsWith"
            : "endsWith";
      return `NOT (${values.map((v) => ctx.dialect.match(match, expr, bind(v))).join(" OR ")}) OR ${expr} IS NULL`;
    }
    case "gt":
    case "afterDate":
      return `${expr} > ${first()}`;
    case "gte":
    case "afterOrOnDate":
      return `${expr} >= ${first()}`;
    case "lt":
    case "beforeDate":
      return `${expr} < ${first()}`;
    case "lte":
    case "beforeOrOnDate":
      return `${expr} <= ${first()}`;
    case "set":
      return `${expr} IS NOT NULL`;
    case "notSet":
      return `${expr} IS NULL`;
    case "inDateRange":
      return `${expr} >= ${first()} AND ${expr} <= ${bind(values[1] as FilterValue)}`;
    case "notInDateRange":
      return `${expr} < ${first()} OR ${expr} > ${bind(values[1] as FilterValue)}`;
  }
}
