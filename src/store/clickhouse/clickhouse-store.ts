/**
 * The ClickHouse event store: one database per project (`<prefix><project id>`) with one
 * `events` table (layout in events-table.ts). Compiled queries are bound on the client
 * (src/query/sql/clickhouse-bind.ts) and read the project's database only.
 *
 * Idempotent loads, in two layers:
 *  1. insert-time: a batch goes to a staging table first and only events whose id is not yet
 *     in the project's table (within two days of the batch's times) are inserted; so a batch
 *     replayed after a crash, or a load retried after a timeout that did write, adds nothing;
 *  2. read-time: the table is a ReplacingMergeTree on the event id and every compiled query
 *     reads it `FINAL`, so copies that raced past (1) — two service processes receiving the
 *     same client re-send at once — count once before background merges remove them.
 * Insert deduplication tokens are not used: before 20.x they only work on Replicated tables.
 */
import { randomBytes } from "node:crypto";
import type { StoredEvent } from "../../events/event.js";
import { bindClickHouse, identifier } from "../../query/sql/clickhouse-bind.js";
import type { QueryScope, Row, SqlParam, Store } from "../store.js";
import { ClickHouseConnection, type JsonResult, parseClickHouseUrl } from "./connection.js";
import { createDatabaseSql, createEventsTableSql, dateTimeText, toRow } from "./events-table.js";
import { readSegments } from "./read-segment.js";

export interface ClickHouseStoreOptions {
  /** CLICKHOUSE_URL: `http://user:pass@host:8123`. */
  url: string;
  /** Database name prefix; a project's database is `<prefix><project id>`. */
  databasePrefix: string;
}

/** Look-back of the insert-time check (crash replays and client re-sends come within it). */
const DEDUP_WINDOW_S = 2 * 24 * 3600;
/** Rows per insert request. */
const INSERT_CHUNK = 100_000;
/** Events read from segments before they are loaded. */
const LOAD_SLICE = 50_000;
/** ClickHouse error codes: unknown database, unknown table. */
const MISSING = /Code: (81|60)\b/;

/** Column types that carry booleans (18.16 has no Bool; current releases answer true/false). */
const BOOLEAN_TYPES = new Set(["UInt8", "Nullable(UInt8)", "Bool", "Nullable(Bool)"]);

function toRows(result: JsonResult): Row[] {
  const booleans = result.meta.filter((m) => BOOLEAN_TYPES.has(m.type)).map((m) => m.name);
  if (booleans.length === 0) return result.data;
  for (const row of result.data) {
    for (const name of booleans) {
      const v = row[name];
      if (v !== null && v !== undefined) row[name] = v === true || Number(v) === 1;
    }
  }
  return result.data;
}

export class ClickHouseStore implements Store {
  readonly dialect = "clickhouse" as const;
  private readonly ready = new Map<string, Promise<void>>();

  private constructor(
    private readonly connection: ClickHouseConnection,
    private readonly prefix: string,
    /** The server's version, e.g. `18.16.1`. */
    readonly serverVersion: string,
  ) {}

  /** Connects and reads the server version; throws StoreUnavailableError when unreachable. */
  static async open(options: ClickHouseStoreOptions): Promise<ClickHouseStore> {
    const connection = new ClickHouseConnection(parseClickHouseUrl(options.url));
    try {
      const version = await connection.select("SELECT version() AS v");
      return new ClickHouseStore(
        connection,
        options.databasePrefix,
        String(version.data[0]?.v ?? "unknown"),
      );
    } catch (error) {
      await connection.close();
      throw error;
    }
  }

  /** The database holding a project's events. */
  databaseOf(projectId: string): string {
    return `${this.prefix}${projectId}`;
  }

  createProject(projectId: string): Promise<void> {
    let ready = this.ready.get(projectId);
    if (!ready) {
      const database = this.databaseOf(projectId);
      ready = (async () => {
        await this.connection.command(createDatabaseSql(database));
        await this.connection.command(createEventsTableSql(database));
      })();
      ready.catch(() => this.ready.delete(projectId));
      this.ready.set(projectId, ready);
    }
    return ready;
  }

  async loadSegments(paths: readonly string[]): Promise<number> {
    // A few segments at a time, so a backlog does not sit in memory as objects all at once;
    // an event repeated in a later slice is caught by the insert-time check.
    let added = 0;
    let events: StoredEvent[] = [];
    const flush = async () => {
      added += await this.loadBatch(events);
      events = [];
    };
    for (const path of paths) {
      events.push(...(await readSegments([path])));
      if (events.length >= LOAD_SLICE) await flush();
    }
    await flush();
    return added;
  }

  private async loadBatch(batch: readonly StoredEvent[]): Promise<number> {
    const byProject = new Map<string, Map<string, StoredEvent>>();
    for (const event of batch) {
      const events = byProject.get(event.project_id) ?? new Map<string, StoredEvent>();
      byProject.set(event.project_id, events);
      if (!events.has(event.event_id)) events.set(event.event_id, event);
    }
    let added = 0;
    for (const [projectId, events] of byProject)
      added += await this.loadProject(projectId, [...events.values()]);
    return added;
  }

  /** Stages one project's batch and inserts the events not stored yet; returns how many. */
  private async loadProject(projectId: string, events: readonly StoredEvent[]): Promise<number> {
    await this.createProject(projectId);
    const database = identifier(this.databaseOf(projectId));
    const staging = `${database}.${identifier(`_incoming_${randomBytes(8).toString("hex")}`)}`;
    let from = Number.POSITIVE_INFINITY;
    let to = 0;
    for (const e of events) {
      from = Math.min(from, e.derived_tstamp);
      to = Math.max(to, e.derived_tstamp);
    }
    const window = bindClickHouse(
      "derived_tstamp >= {p1:DateTime64(3, 'UTC')} AND derived_tstamp <= {p2:DateTime64(3, 'UTC')}",
      [dateTimeText(from - DEDUP_WINDOW_S * 1000), dateTimeText(to + DEDUP_WINDOW_S * 1000)],
      null,
    );
    const fresh = `event_id NOT IN (SELECT event_id FROM ${database}.events WHERE ${window})`;
    await this.connection.command(`CREATE TABLE ${staging} AS ${database}.events ENGINE = Memory`);
    try {
      for (let i = 0; i < events.length; i += INSERT_CHUNK)
        await this.connection.insert(staging, events.slice(i, i + INSERT_CHUNK).map(toRow));
      const counted = await this.connection.select(
        `SELECT count() AS n FROM ${staging} WHERE ${fresh}`,
      );
      await this.connection.command(
        `INSERT INTO ${database}.events SELECT * FROM ${staging} WHERE ${fresh}`,
      );
      return Number(counted.data[0]?.n ?? 0);
    } finally {
      await this.connection.command(`DROP TABLE IF EXISTS ${staging}`).catch(() => {});
    }
  }

  async insertEvents(events: readonly StoredEvent[]): Promise<void> {
    const byProject = new Map<string, StoredEvent[]>();
    for (const e of events) {
      const list = byProject.get(e.project_id);
      if (list) list.push(e);
      else byProject.set(e.project_id, [e]);
    }
    for (const [projectId, list] of byProject) {
      await this.createProject(projectId);
      const table = `${identifier(this.databaseOf(projectId))}.events`;
      for (let i = 0; i < list.length; i += INSERT_CHUNK)
        await this.connection.insert(table, list.slice(i, i + INSERT_CHUNK).map(toRow));
    }
  }

  async query(sql: string, params: readonly SqlParam[] = [], scope?: QueryScope): Promise<Row[]> {
    const database = scope ? this.databaseOf(scope.projectId) : null;
    const text = bindClickHouse(sql, params, database);
    try {
      return toRows(await this.connection.select(text));
    } catch (error) {
      // A project created before this store was chosen (or by a process with another store)
      // has no database yet: it has no events either.
      if (!scope || !MISSING.test(String((error as Error).message))) throw error;
      await this.createProject(scope.projectId);
      return toRows(await this.connection.select(text));
    }
  }

  async countEvents(projectId: string, from: number, to: number): Promise<number> {
    const [row] = await this.query(
      "SELECT count() AS n FROM events FINAL WHERE collector_tstamp >= {p1:DateTime64(3, 'UTC')} AND collector_tstamp < {p2:DateTime64(3, 'UTC')}",
      [dateTimeText(from), dateTimeText(to)],
      { projectId },
    );
    return Number(row?.n ?? 0);
  }

  async deleteProject(projectId: string): Promise<void> {
    this.ready.delete(projectId);
    await this.connection.command(
      `DROP DATABASE IF EXISTS ${identifier(this.databaseOf(projectId))}`,
    );
  }

  close(): Promise<void> {
    return this.connection.close();
  }
}
