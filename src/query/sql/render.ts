/**
 * Stage 3, render: writes a plan as SQL of one dialect, with every value bound. The project
 * filter is part of the only events scan a dialect knows how to write (`Dialect.eventsScan`), so
 * every compiled query reads one project's events only.
 */
import type { SqlParam } from "../../store/store.js";
import type { QueryPlan } from "../plan.js";
import { routeToRollup } from "../rollup-match.js";
import type { Dialect } from "./dialect.js";
import { Params } from "./params.js";
import {
  dimensionSql,
  type RenderContext,
  renderCondition,
  renderMeasure,
} from "./render-members.js";

export interface RenderedSql {
  readonly sql: string;
  readonly params: readonly SqlParam[];
}

export interface RenderedQuery extends RenderedSql {
  /** The project whose events the query reads (a store may keep each project apart). */
  readonly projectId: string;
  /** Counts the rows the query would have without limit and offset (for `total: true`). */
  readonly total: RenderedSql | null;
  /** The rollup read instead of the events, if any. */
  readonly rollup: string | null;
}

/**
 * @param useRollups read a rollup when one answers the query (false: always the events; the
 *   tests compare both).
 */
export function renderQuery(
  plan: QueryPlan,
  dialect: Dialect,
  projectId: string,
  useRollups = true,
): RenderedQuery {
  const { query } = plan;
  const { cube } = query;
  const params = new Params(dialect);
  const route = useRollups && dialect.rollupScan ? routeToRollup(query) : null;
  const ctx: RenderContext = { dialect, params, cube, ungrouped: query.ungrouped, rollup: route };
  const d = dialect.name;

  const project = params.add(projectId, "string");
  const scan = dialect.eventsScan(project, query.includeBots);
  let source: string;
  if (route && dialect.rollupScan) {
    source = dialect.rollupScan(route.rollup.table, project, query.includeBots);
  } else if (cube.source === "events") {
    source = scan;
  } else {
    let rows = cube.source[d].replaceAll("{events}", scan);
    if (rows.includes("{sessions}")) {
      if (!dialect.sessionsScan) throw new Error(`${d} keeps no sessions to read`);
      rows = rows.replaceAll("{sessions}", dialect.sessionsScan(project, query.includeBots));
    }
    const windows = plan.windowColumns.map(
      (w) => `${cube.windowColumns.get(w)?.[d]} AS ${dialect.quote(w)}`,
    );
    source = windows.length
      ? `(SELECT *, ${windows.join(", ")} FROM (${rows}) AS _rows)`
      : `(${rows})`;
  }

  const needsZone = query.timezone !== "UTC" && plan.dimensions.some((x) => x.time);
  const zone = needsZone ? params.add(query.timezone, "string") : null;
  const select = [
    ...plan.dimensions.map((x) => {
      const expr = dimensionSql(ctx, x.dimension);
      return `${x.time ? dialect.timeBucket(expr, x.time.granularity, zone) : expr} AS ${x.alias}`;
    }),
    ...plan.measures.map((m) => `${renderMeasure(ctx, m.measure)} AS ${m.alias}`),
  ];

  const where = [
    ...query.segments.map((s) => s.sql[d]),
    ...query.where.map((c) => renderCondition(ctx, c)),
  ];
  const having = query.having.map((c) => renderCondition(ctx, c));
  const grouped = !query.ungrouped && plan.dimensions.length > 0;

  let body = `SELECT ${select.join(", ")} FROM ${source} AS ${dialect.quote(cube.name)}`;
  if (where.length) body += ` WHERE ${where.map((w) => `(${w})`).join(" AND ")}`;
  if (grouped) body += ` ${dialect.groupBy(plan.dimensions.map((x) => x.alias))}`;
  if (having.length) body += ` HAVING ${having.map((h) => `(${h})`).join(" AND ")}`;

  const bodyParams = params.values.length;
  let sql = body;
  if (plan.order.length) {
    sql += ` ORDER BY ${plan.order.map((o) => `${o.alias} ${o.desc ? "DESC" : "ASC"}`).join(", ")}`;
  }
  const limit = params.add(query.limit, "integer");
  const offset = query.offset > 0 ? params.add(query.offset, "integer") : null;
  sql += ` ${dialect.limit(limit, offset)}`;

  const total = query.total
    ? {
        sql: `SELECT count(*) AS total FROM (${body}) AS _q`,
        params: params.values.slice(0, bodyParams),
      }
    : null;
  return { sql, params: params.values, total, projectId, rollup: route?.rollup.name ?? null };
}
