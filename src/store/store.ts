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
   * Bulk-loads one sealed write-ahead-log segment (newline-delimited JSON of StoredEvent)
   * and returns how many events were new. Events whose (project_id, event_id) is already
   * stored are skipped, so replaying a segment is harmless.
   */
  loadSegment(path: string): Promise<number>;
  /** Bulk-inserts events that are known to be new (the generator's path). */
  insertEvents(events: readonly StoredEvent[]): Promise<void>;
  /** Runs compiled SQL with bound parameters (`$1`, `$2`, ...) and returns plain rows. */
  query(sql: string, params?: readonly SqlParam[]): Promise<Row[]>;
  deleteProject(projectId: string): Promise<void>;
  close(): Promise<void>;
}
