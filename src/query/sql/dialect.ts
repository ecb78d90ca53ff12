/**
 * What a database dialect must provide to the renderer: a small interface, so that adding a
 * database means implementing these few functions, checked by one shared test suite.
 * Every value reaches the database through `placeholder`; identifiers come from the model.
 */
import type { DialectName } from "../model/member.js";
import type { MeasureType } from "../model/model-file.js";
import type { Granularity } from "../query-schema.js";

/** How a bound value is typed. */
export type ParamKind = "string" | "number" | "integer" | "boolean" | "timestamp";

export type StringMatch = "contains" | "startsWith" | "endsWith";

export interface Dialect {
  readonly name: DialectName;
  /** A quoted identifier (names come from the model, never from a query). */
  quote(identifier: string): string;
  /** The SQL for bound parameter number `index` (1-based) of the given kind. */
  placeholder(index: number, kind: ParamKind): string;
  /** The project's events: the only way compiled SQL reads the events table. */
  eventsScan(projectId: string, includeBots: boolean): string;
  /**
   * The project's sessions (one row per session, as the Sessions cube derives them from the
   * events of `eventsScan`), for stores that keep them; read by cube SQL as `{sessions}`.
   */
  readonly sessionsScan: ((projectId: string, includeBots: boolean) => string) | null;
  /** The project's rows of a rollup table (duckdb-rollups.ts), for stores that keep them. */
  readonly rollupScan: ((table: string, projectId: string, includeBots: boolean) => string) | null;
  /**
   * `expr` (a UTC timestamp) as wall time in the zone bound at `zone` (null: UTC), truncated to
   * `granularity` (null: not truncated).
   */
  timeBucket(expr: string, granularity: Granularity | null, zone: string | null): string;
  /** An aggregate over `value` (null: rows) of the given measure type, for grouped queries. */
  aggregate(type: Exclude<MeasureType, "number">, value: string | null): string;
  /** Case-insensitive string matching of `expr` against the bound `value`. */
  match(kind: StringMatch, expr: string, value: string): string;
  /** The GROUP BY clause for the first `aliases.length` select columns, named `aliases`. */
  groupBy(aliases: readonly string[]): string;
  /** LIMIT and OFFSET clauses with bound values. */
  limit(limit: string, offset: string | null): string;
}
