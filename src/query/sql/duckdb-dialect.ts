/** DuckDB: the embedded default store. Timestamps are stored as naive UTC `TIMESTAMP`. */
import type { Dialect, ParamKind } from "./dialect.js";

const CASTS: Record<ParamKind, string> = {
  string: "VARCHAR",
  number: "DOUBLE",
  integer: "BIGINT",
  boolean: "BOOLEAN",
  timestamp: "TIMESTAMP",
};

export const duckdbDialect: Dialect = {
  name: "duckdb",
  quote: (identifier) => `"${identifier.replaceAll('"', '""')}"`,
  // Explicit casts: otherwise DuckDB infers a parameter's type from the column it meets and a
  // value of another type fails at execution instead of comparing.
  placeholder: (index, kind) =>
    kind === "string" ? `$${index}` : `CAST($${index} AS ${CASTS[kind]})`,
  eventsScan: (projectId, includeBots) =>
    `(SELECT * FROM events WHERE project_id = ${projectId}${includeBots ? "" : " AND NOT is_bot"})`,
  // The store's rollup (store/duckdb-sessions.ts): rows aggregated over the same events.
  sessionsScan: (projectId, includeBots) => {
    const scan = includeBots ? "all" : "humans";
    return `(SELECT *, first_in_${scan} AS first_of_user FROM sessions_rollup WHERE project_id = ${projectId} AND for_${scan})`;
  },
  rollupScan: (table, projectId, includeBots) =>
    `(SELECT * FROM ${table} WHERE project_id = ${projectId}${includeBots ? "" : " AND NOT is_bot"})`,
  timeBucket(expr, granularity, zone) {
    // timezone('UTC', ts) reads the naive value as UTC; timezone(zone, tstz) gives wall time there.
    const wall = zone === null ? expr : `timezone(${zone}, timezone('UTC', ${expr}))`;
    return granularity === null ? wall : `date_trunc('${granularity}', ${wall})`;
  },
  aggregate(type, value) {
    const v = value ?? "*";
    switch (type) {
      case "count":
        return value === null ? "count(*)" : `count(${v})`;
      case "countDistinct":
        return `count(DISTINCT ${v})`;
      case "countDistinctApprox":
        return `approx_count_distinct(${v})`;
      case "sum":
      case "avg":
      case "min":
      case "max":
        return `${type}(${v})`;
    }
  },
  match(kind, expr, value) {
    const fn =
      kind === "contains" ? "contains" : kind === "startsWith" ? "starts_with" : "ends_with";
    return `${fn}(lower(${expr}), lower(${value}))`;
  },
  groupBy: (aliases) => `GROUP BY ${aliases.map((_, i) => i + 1).join(", ")}`,
  limit: (limit, offset) => `LIMIT ${limit}${offset ? ` OFFSET ${offset}` : ""}`,
};
