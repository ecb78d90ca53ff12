/**
 * ClickHouse: for installations that outgrow the embedded store. Parameters are ClickHouse's
 * typed `{name:Type}` placeholders (`p1`, `p2`, ...), bound on the client by clickhouse-bind.ts.
 * Only SQL that Debian's 18.16 and current releases both understand: no window functions, no
 * positional GROUP BY, no toStartOfSecond.
 */
import type { Dialect, ParamKind } from "./dialect.js";

const TYPES: Record<ParamKind, string> = {
  string: "String",
  number: "Float64",
  integer: "UInt64",
  boolean: "Bool",
  timestamp: "DateTime64(3, 'UTC')",
};

/** Truncations; "second" has none: stored timestamps are whole seconds (DateTime). */
const BUCKETS = {
  minute: "toStartOfMinute",
  hour: "toStartOfHour",
  day: "toStartOfDay",
  week: "toMonday",
  month: "toStartOfMonth",
  quarter: "toStartOfQuarter",
  year: "toStartOfYear",
} as const;

export const clickhouseDialect: Dialect = {
  name: "clickhouse",
  quote: (identifier) => `"${identifier.replaceAll("\\", "\\\\").replaceAll('"', '\\"')}"`,
  placeholder: (index, kind) => `{p${index}:${TYPES[kind]}}`,
  // FINAL: the events table is a ReplacingMergeTree on event id, and duplicates that raced past
  // the insert-time check are collapsed here before background merges do it (store/clickhouse).
  // `events` is the project's own table: binding qualifies it with the project's database.
  eventsScan: (projectId, includeBots) =>
    `(SELECT * FROM events FINAL WHERE project_id = ${projectId}${includeBots ? "" : " AND is_bot = 0"})`,
  sessionsScan: null,
  rollupScan: null,
  timeBucket(expr, granularity, zone) {
    const wall = zone === null ? expr : `toTimeZone(${expr}, ${zone})`;
    if (granularity === null) return wall;
    // toMonday/toStartOfQuarter... return a Date for some units; keep a DateTime for every one.
    if (granularity === "second") return wall;
    const bucket = `${BUCKETS[granularity]}(${wall})`;
    return granularity === "minute" || granularity === "hour" || granularity === "day"
      ? bucket
      : `toDateTime(${bucket}${zone === null ? "" : `, ${zone}`})`;
  },
  aggregate(type, value) {
    const v = value ?? "";
    switch (type) {
      case "count":
        return value === null ? "count()" : `count(${v})`;
      // Over only NULLs these answer NULL in ClickHouse; DuckDB's count(DISTINCT) answers 0.
      case "countDistinct":
        return `ifNull(uniqExact(${v}), 0)`;
      case "countDistinctApprox":
        return `ifNull(uniq(${v}), 0)`;
      case "sum":
      case "avg":
      case "min":
      case "max":
        return `${type}(${v})`;
    }
  },
  match(kind, expr, value) {
    if (kind === "contains") return `positionCaseInsensitiveUTF8(${expr}, ${value}) > 0`;
    const fn = kind === "startsWith" ? "startsWith" : "endsWith";
    return `${fn}(lowerUTF8(${expr}), lowerUTF8(${value}))`;
  },
  // 18.16 reads `GROUP BY 1` as grouping by the constant 1.
  groupBy: (aliases) => `GROUP BY ${aliases.join(", ")}`,
  limit: (limit, offset) => `LIMIT ${limit}${offset ? ` OFFSET ${offset}` : ""}`,
};
