/**
 * The DuckDB store's rollups: the tables behind the model's pre-aggregations (model-file.ts),
 * kept exact as events load. Each table has one row per key (project, bot flag, time bucket,
 * the rollup's dimensions and its countDistinct value) holding the additive measures. A load
 * aggregates its batch by the same key, adds the figures of keys already present and inserts
 * the new keys, in the load's transaction, so a query sees a rollup and the events it sums up
 * in the same state.
 *
 * A table records a fingerprint of its definition; when the model changes it, the table is
 * rebuilt from all stored events at open.
 */
import { createHash } from "node:crypto";
import type { DuckDBConnection } from "@duckdb/node-api";
import {
  type CompiledModel,
  type Cube,
  type Measure,
  type Rollup,
  rollupColumn,
} from "../query/model/member.js";

export interface RollupTable {
  readonly table: string;
  /** Source columns are read through this alias, as the model's member SQL expects. */
  readonly alias: string;
  readonly keys: readonly { readonly column: string; readonly expr: string }[];
  readonly values: readonly {
    readonly column: string;
    readonly expr: string;
    readonly merge: "sum" | "min" | "max";
  }[];
  /** The key column of the time bucket, which loads use to read only recent rows. */
  readonly bucket: string | null;
  readonly fingerprint: string;
}

const STATE_TABLE = "rollup_tables";

/** `value` of rows that meet the measure's filters (NULL for the others). */
function filtered(measure: Measure, value: string): string {
  const conditions = measure.filters.map((f) => `(${f.duckdb})`);
  return conditions.length ? `CASE WHEN ${conditions.join(" AND ")} THEN ${value} END` : value;
}

function aggregate(measure: Measure): { expr: string; merge: "sum" | "min" | "max" } {
  const value = measure.sql?.duckdb ?? null;
  switch (measure.type) {
    case "count":
      if (value === null && measure.filters.length === 0) return { expr: "count(*)", merge: "sum" };
      return { expr: `count(${filtered(measure, value ?? "1")})`, merge: "sum" };
    case "sum":
    case "min":
    case "max":
      return {
        expr: `${measure.type}(${filtered(measure, value ?? "NULL")})`,
        merge: measure.type,
      };
    default:
      throw new Error(`${measure.fullName} is not additive`);
  }
}

function tableOf(cube: Cube, rollup: Rollup): RollupTable {
  const alias = `"${cube.name}"`;
  const keys = [
    { column: "project_id", expr: `${alias}.project_id` },
    { column: "is_bot", expr: `${alias}.is_bot` },
  ];
  if (rollup.time) {
    keys.push({
      column: rollupColumn.bucket,
      expr: `date_trunc('${rollup.time.granularity}', ${rollup.time.dimension.sql.duckdb})`,
    });
  }
  for (const d of rollup.dimensions)
    keys.push({ column: rollupColumn.dimension(d.name), expr: d.sql.duckdb });
  if (rollup.distinct) {
    const value = rollup.distinct.sql?.duckdb ?? "NULL";
    keys.push({
      column: rollupColumn.distinct(rollup.distinct.name),
      expr: filtered(rollup.distinct, value),
    });
  }
  const values = rollup.measures.map((m) => ({
    column: rollupColumn.measure(m.name),
    ...aggregate(m),
  }));
  const definition = JSON.stringify({ keys, values });
  return {
    table: rollup.table,
    alias,
    keys,
    values,
    bucket: rollup.time ? rollupColumn.bucket : null,
    fingerprint: createHash("sha256").update(definition).digest("hex").slice(0, 16),
  };
}

/** The tables the model's rollups need. */
export function rollupTables(model: CompiledModel): RollupTable[] {
  return [...model.cubes.values()].flatMap((cube) => cube.rollups.map((r) => tableOf(cube, r)));
}

/** `SELECT key..., value... FROM source GROUP BY key...`: the rollup of some events. */
function aggregateOf(t: RollupTable, source: string): string {
  const columns = [
    ...t.keys.map((k) => `${k.expr} AS ${k.column}`),
    ...t.values.map((v) => `${v.expr} AS ${v.column}`),
  ];
  return `SELECT ${columns.join(", ")} FROM ${source} AS ${t.alias} GROUP BY ${t.keys.map((_, i) => i + 1).join(", ")}`;
}

/** Creates missing tables and rebuilds those whose definition changed; drops retired ones. */
export async function ensureRollups(
  connection: DuckDBConnection,
  tables: readonly RollupTable[],
): Promise<void> {
  await connection.run(
    `CREATE TABLE IF NOT EXISTS ${STATE_TABLE} (name VARCHAR PRIMARY KEY, fingerprint VARCHAR NOT NULL)`,
  );
  const state = await connection.runAndReadAll(`SELECT name, fingerprint FROM ${STATE_TABLE}`);
  const known = new Map(state.getRows().map(([name, print]) => [String(name), String(print)]));
  const wanted = new Set(tables.map((t) => t.table));
  const stale = tables.filter((t) => known.get(t.table) !== t.fingerprint);
  const retired = [...known.keys()].filter((name) => !wanted.has(name));
  if (stale.length === 0 && retired.length === 0) return;
  await connection.run("BEGIN TRANSACTION");
  try {
    for (const name of retired) {
      await connection.run(`DROP TABLE IF EXISTS ${name}`);
      await connection.run(`DELETE FROM ${STATE_TABLE} WHERE name = $1`, [name]);
    }
    for (const t of stale) {
      // Ordered by time, so that a load's look at recent buckets skips older row groups.
      await connection.run(
        `CREATE OR REPLACE TABLE ${t.table} AS ${aggregateOf(t, "events")}${t.bucket ? ` ORDER BY ${t.bucket}` : ""}`,
      );
      await connection.run(`INSERT OR REPLACE INTO ${STATE_TABLE} VALUES ($1, $2)`, [
        t.table,
        t.fingerprint,
      ]);
    }
    await connection.run("COMMIT");
  } catch (error) {
    await connection.run("ROLLBACK").catch(() => {});
    throw error;
  }
}

/**
 * The statements that add the events of table `batch` (just inserted into `events`) to every
 * rollup, inside the caller's transaction.
 */
export function refreshRollups(tables: readonly RollupTable[], batch: string): string[] {
  return [
    ...tables.flatMap((t) => {
      const statements = [`CREATE OR REPLACE TEMP TABLE rollup_delta AS ${aggregateOf(t, batch)}`];
      // Only buckets at or after the batch's earliest can match. A variable is a constant to
      // the planner, so the scan skips older row groups by their min/max (NULL for an empty
      // batch, which matches nothing).
      let recent = "";
      if (t.bucket) {
        statements.push(
          `SET VARIABLE glimpse_rollup_since = (SELECT min(${t.bucket}) FROM rollup_delta)`,
        );
        recent = ` AND r.${t.bucket} >= getvariable('glimpse_rollup_since')`;
      }
      const same = t.keys
        .map((k) => `r.${k.column} IS NOT DISTINCT FROM d.${k.column}`)
        .join(" AND ");
      if (t.values.length) {
        const merged = t.values.map((v) => {
          const [a, b] = [`r.${v.column}`, `d.${v.column}`];
          if (v.merge === "sum")
            return `${v.column} = CASE WHEN ${a} IS NULL THEN ${b} WHEN ${b} IS NULL THEN ${a} ELSE ${a} + ${b} END`;
          return `${v.column} = ${v.merge === "min" ? "least" : "greatest"}(${a}, ${b})`;
        });
        statements.push(
          `UPDATE ${t.table} AS r SET ${merged.join(", ")} FROM rollup_delta AS d WHERE ${same}${recent}`,
        );
      }
      statements.push(
        `INSERT INTO ${t.table} SELECT d.* FROM rollup_delta AS d
         ANTI JOIN (SELECT * FROM ${t.table} AS r WHERE TRUE${recent}) AS r ON ${same}`,
      );
      return statements;
    }),
    "DROP TABLE IF EXISTS rollup_delta",
  ];
}

/** Removes a project's rows from every rollup (inside the caller's transaction). */
export async function deleteProjectRollups(
  connection: DuckDBConnection,
  tables: readonly RollupTable[],
  projectId: string,
): Promise<void> {
  for (const t of tables)
    await connection.run(`DELETE FROM ${t.table} WHERE project_id = $1`, [projectId]);
}
