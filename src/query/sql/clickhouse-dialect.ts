/**
 * ClickHouse: for installations that outgrow the embedded store. Parameters are ClickHouse's
 * typed `{name:Type}` placeholders, bound by the client by name (`p1`, `p2`, ...).
 */
import type { Dialect, ParamKind } from "./dialect.js";

const TYPES: Record<ParamKind, string> = {
  string: "String",
  number: "Float64",
  integer: "UInt64",
  boolean: "Bool",
  timestamp: "DateTime64(3, 'UTC')",
};

const BUCKETS = {
  second: "toStartOfSecond",
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
  eventsScan: (projectId, includeBots) =>
    `(SELECT * FROM events WHERE project_id = ${projectId}${includeBots ? "" : " AND is_bot = 0"})`,
  timeBucket(expr, granularity, zone) {
    const wall = zone === null ? expr : `toTimeZone(${expr}, ${zone})`;
    if (granularity === null) return wall;
    // toMonday/toStartOfQuarter... return a Date for some units; keep a DateTime for every one.
    const bucket = `${BUCKETS[granularity]}(${wall})`;
    return granularity === "second" ||
      granularity === "minute" ||
      granularity === "hour" ||
      granularity === "day"
      ? bucket
      : `toDateTime(${bucket}${zone === null ? "" : `, ${zone}`})`;
  },
  aggregate(type, value) {
    const v = value ?? "";
    switch (type) {
      case "count":
        return value === null ? "count()" : `count(${v})`;
      case "countDistinct":
        return `uniqExact(${v})`;
      case "countDistinctApprox":
        return `uniq(${v})`;
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
  limit: (limit, offset) => `LIMIT ${limit}${offset ? ` OFFSET ${offset}` : ""}`,
};
