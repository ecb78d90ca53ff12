/**
 * The store: where events live and where compiled queries run. A small interface so that
 * DuckDB (embedded, the default) and ClickHouse can each implement it.
 */
import type { StoredEvent } from "../events/event.js";

export type Row = Record<string, unknown>;
export type SqlParam = string | number | boolean | null;

export interface Store {
  readonly dialect: "duckdb" | "clickhouse";
  /**
   * Bulk-loads sealed write-ahead-log segments (newline-delimited JSON of StoredEvent) in one
   * transaction and returns how many events were new. Events whose (project_id, event_id) is
   * already stored are skipped, so replaying a segment is harmless.
   */
  loadSegments(paths: readonly string[]): Promise<number>;
  /** Bulk-inserts events that are known to be new (the generator's path). */
  insertEvents(events: readonly StoredEvent[]): Promise<void>;
  /** Runs compiled SQL with bound parameters (`$1`, `$2`, ...) and returns plain rows. */
  query(sql: string, params?: readonly SqlParam[]): Promise<Row[]>;
  /** Events of a project collected in [from, to) (epoch ms): the configurator's usage figure. */
  countEvents(projectId: string, from: number, to: number): Promise<number>;
  deleteProject(projectId: string): Promise<void>;
  close(): Promise<void>;
}
