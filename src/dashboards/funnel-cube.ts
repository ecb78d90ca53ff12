/**
 * Turns a funnel file into a cube of the data model (reference §9): one row per user, funnel
 * attempt and step reached, so `<funnel>.count` (distinct users) by `<funnel>.step` says how
 * many users reached each step within `seconds_to_convert` of starting, and `<funnel>.date`
 * (when the attempt started) filters by date.
 *
 * DuckDB: each step-1 event starts an attempt; the attempt then takes, step by step, the
 * earliest matching event strictly after the previous one and no later than start + window.
 * Taking the earliest is optimal, since it leaves the most room for the steps after it.
 * ClickHouse (18.16 and current; no window functions or non-equi joins there) computes the same
 * attempts per user over the user's events sorted into an array: each step-1 event opens an
 * attempt, and step k takes the first matching event after step k-1 within the window
 * (`arrayFirstIndex`), so both stores give the same rows.
 */
import type { FunnelDef, FunnelStep } from "./model.js";

/** The cube, in the shape of a model file's `cubes:` entry (see src/query/model/model-file.ts). */
export interface FunnelCube {
  name: string;
  title: string;
  sql: { duckdb: string; clickhouse: string };
  measures: Array<{ name: string; type: "countDistinct"; sql: string; title: string }>;
  dimensions: Array<{
    name: string;
    type: "string" | "number" | "time";
    sql: string;
    title: string;
  }>;
}

/** The members a funnel's cube adds to the data model. */
export function funnelMembers(name: string): string[] {
  return [`${name}.count`, `${name}.step`, `${name}.stepNumber`, `${name}.date`];
}

/**
 * A SQL string literal. Doubling quotes is enough for DuckDB; ClickHouse also reads
 * backslash escapes, so backslashes are doubled there. (Braces never reach here: the funnel
 * schema refuses them, because the model compiler reads `{...}` as a reference.)
 */
function literal(value: string, dialect: "duckdb" | "clickhouse"): string {
  const escaped = dialect === "clickhouse" ? value.replaceAll("\\", "\\\\") : value;
  return `'${escaped.replaceAll("'", "''")}'`;
}

function matches(step: FunnelStep, dialect: "duckdb" | "clickhouse"): string {
  return step.action === "pageview"
    ? `(event_type IN ('page_view', 'pageview') AND page_urlpath = ${literal(step.target, dialect)})`
    : `(event_type = 'custom' AND event_name = ${literal(step.target, dialect)})`;
}

const USER_KEY = "COALESCE(domain_userid, user_id)";

function duckdbSql(funnel: FunnelDef): string {
  const flags = funnel.steps.map((s, i) => `${matches(s, "duckdb")} AS s${i + 1}`);
  const reached = funnel.steps.map((_, i) =>
    i === 0
      ? "reached_1 AS (SELECT DISTINCT user_key, ts AS t0, ts AS t FROM funnel_rows WHERE s1)"
      : `reached_${i + 1} AS (SELECT r.user_key, r.t0, min(f.ts) AS t FROM reached_${i} r ` +
        `JOIN funnel_rows f ON f.user_key = r.user_key AND f.s${i + 1} AND f.ts > r.t ` +
        `AND f.ts <= r.t0 + INTERVAL ${funnel.seconds_to_convert} SECOND GROUP BY r.user_key, r.t0)`,
  );
  const rows = funnel.steps.map(
    (s, i) =>
      `SELECT user_key, ${i + 1} AS step_number, ${literal(s.name, "duckdb")} AS step, t0 AS date FROM reached_${i + 1}`,
  );
  return [
    `WITH funnel_rows AS (SELECT ${USER_KEY} AS user_key, derived_tstamp AS ts, ${flags.join(", ")}`,
    `FROM {events} WHERE ${USER_KEY} IS NOT NULL),`,
    `${reached.join(",\n")}`,
    rows.join("\nUNION ALL "),
  ].join("\n");
}

function clickhouseSql(funnel: FunnelDef): string {
  const steps = funnel.steps;
  const w = funnel.seconds_to_convert;
  // A NULL path or name never matches (ifNull: a flag must be a plain UInt8 for arrayFilter).
  const flags = steps.map((s, i) => `toUInt8(ifNull(${matches(s, "clickhouse")}, 0)) AS f${i + 1}`);
  const names = steps.map((s) => literal(s.name, "clickhouse"));
  // Attempts as (t0, time of the last step reached, steps reached), advanced step by step.
  const advance = (k: number) => {
    const next = `arrayFirstIndex((t, f) -> f = 1 AND t > p.2 AND t <= p.1 + ${w}, ts_, f${k}_)`;
    return `arrayMap(p -> if(p.3 = ${k - 1} AND ${next} > 0, (p.1, ts_[${next}], ${k}), p), a${k - 1}) AS a${k}`;
  };
  const arrays = [
    `arraySort(groupArray((ts, ${steps.map((_, i) => `f${i + 1}`).join(", ")}))) AS ev`,
    "arrayMap(x -> x.1, ev) AS ts_",
    ...steps.map((_, i) => `arrayMap(x -> x.${i + 2}, ev) AS f${i + 1}_`),
    "arrayMap(t -> (t, t, 1), arrayFilter((t, f) -> f = 1, ts_, f1_)) AS a1",
    ...steps.slice(1).map((_, i) => advance(i + 2)),
  ];
  return [
    `SELECT user_key, step_number, [${names.join(", ")}][step_number] AS step, t0 AS date FROM (`,
    "SELECT user_key, a.1 AS t0, a.3 AS level FROM (",
    `SELECT user_key, ${arrays.join(",\n")}`,
    `FROM (SELECT ${USER_KEY} AS user_key, derived_tstamp AS ts, ${flags.join(", ")}`,
    `FROM {events} WHERE ${USER_KEY} IS NOT NULL) GROUP BY user_key`,
    `) ARRAY JOIN a${steps.length} AS a`,
    ") ARRAY JOIN arrayMap(x -> x + 1, range(level)) AS step_number",
  ].join("\n");
}

export function funnelCube(funnel: FunnelDef): FunnelCube {
  return {
    name: funnel.name,
    title: funnel.name,
    sql: { duckdb: duckdbSql(funnel), clickhouse: clickhouseSql(funnel) },
    measures: [{ name: "count", type: "countDistinct", sql: "{CUBE}.user_key", title: "Users" }],
    dimensions: [
      { name: "step", type: "string", sql: "{CUBE}.step", title: "Step" },
      { name: "stepNumber", type: "number", sql: "{CUBE}.step_number", title: "Step number" },
      { name: "date", type: "time", sql: "{CUBE}.date", title: "Date" },
    ],
  };
}
