/**
 * The store: where events live and where compiled queries run. A small interface so that
 * DuckDB (embedded, the default) and ClickHouse can each implement it.
 */
import type { StoredEvent } from "../events/event.js";

export type Row = Record<string, unknown>;
export type SqlParam = string | number | boolean | null;

/** What a compiled query reads: one project's events. */
export interface QueryScope {
  projectId: string;
}

/**
 * The store cannot be reached (a remote database is down or unreachable). The batch writer
 * retries; the query API answers 503 with this message.
 */
export class StoreUnavailableError extends Error {
  constructor(message: string, options?: { cause: unknown }) {
    super(message, options);
    this.name = "StoreUnavailableError";
  }
}

/**
 * The store can no longer be used by this process: DuckDB invalidates a database after a fatal
 * error (say, out of memory during a commit) until it is opened again. The service stops and
 * exits so that its supervisor restarts it; acknowledged events wait in the write-ahead log.
 */
export class StoreFatalError extends Error {
  constructor(message: string, options?: { cause: unknown }) {
    super(message, options);
    this.name = "StoreFatalError";
  }
}

export interface Store {
  readonly dialect: "duckdb" | "clickhouse";
  /** Prepares a new project's storage (ClickHouse: its database); harmless when it exists. */
  createProject(projectId: string): Promise<void>;
  /**
   * Bulk-loads sealed write-ahead-log segments (CSV records, see event-csv.ts) and returns how
   * many events were new. Events whose (project_id, event_id) is
   * already stored are skipped, so replaying a segment is harmless.
   */
  loadSegments(paths: readonly string[]): Promise<number>;
  /** Bulk-inserts events that are known to be new (the generator's path). */
  insertEvents(events: readonly StoredEvent[]): Promise<void>;
  /**
   * Runs compiled SQL of the store's dialect with bound parameters (DuckDB `$1`, ClickHouse
   * `{p1:Type}`) and returns plain rows. `scope` names the project a compiled query reads.
   */
  query(sql: string, params?: readonly SqlParam[], scope?: QueryScope): Promise<Row[]>;
  /** Events of a project collected in [from, to) (epoch ms): the configurator's usage figure. */
  countEvents(projectId: string, from: number, to: number): Promise<number>;
  deleteProject(projectId: string): Promise<void>;
  close(): Promise<void>;
}
