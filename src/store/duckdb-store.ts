/**
 * The embedded DuckDB event store. One `events` table for all projects (every compiled query
 * carries `project_id = $n`); bulk loads go through DuckDB's own CSV reader, so write-ahead-log
 * segments are inserted in one statement without row-by-row work in Node. Every insert also
 * refreshes the sessions rollup (duckdb-sessions.ts) that the Sessions cube reads and the
 * built-in model's pre-aggregations (duckdb-rollups.ts).
 */
import { randomUUID } from "node:crypto";
import { rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { DuckDBConnection, DuckDBValue } from "@duckdb/node-api";
import {
  type ColumnType,
  EVENT_COLUMN_NAMES,
  EVENT_COLUMNS,
  type StoredEvent,
} from "../events/event.js";
import { eventToCsv } from "../events/event-csv.js";
import { builtInModel } from "../query/model/load-model.js";
import { type DuckDb, FatalWatch, script, sqlString, VACUUM_TASKS } from "./duckdb-database.js";
import {
  deleteProjectRollups,
  ensureRollups,
  type RollupTable,
  refreshRollups,
  rollupTables,
} from "./duckdb-rollups.js";
import { deleteProjectSessions, ensureSessionsRollup, refreshSessions } from "./duckdb-sessions.js";
import { type Row, type SqlParam, type Store, StoreFatalError } from "./store.js";

const SQL_TYPES: Record<ColumnType, string> = {
  string: "VARCHAR",
  json: "VARCHAR",
  timestamp: "TIMESTAMP",
  integer: "INTEGER",
  boolean: "BOOLEAN",
};

/** How the CSV records carry each type (timestamps as epoch ms); see event-csv.ts. */
const CSV_TYPES: Record<ColumnType, string> = { ...SQL_TYPES, timestamp: "BIGINT" };

const columnList = EVENT_COLUMN_NAMES.join(", ");
const csvColumns = `{${EVENT_COLUMN_NAMES.map((c) => `'${c}': '${CSV_TYPES[EVENT_COLUMNS[c]]}'`).join(", ")}}`;
const readCsv = (files: readonly string[]) =>
  `read_csv([${files.map(sqlString).join(", ")}], header=false, columns=${csvColumns}, quote='"', escape='"', ` +
  // The record separator is stated, not sniffed: a CR inside a quoted field made DuckDB guess
  // CR line ends and drop (or fail on) a whole segment.
  "new_line='\\n', auto_detect=false, allow_quoted_nulls=false, ignore_errors=true, " +
  // Buffers of 2 MiB (DuckDB's default is 16 of them) let several threads parse one file (the
  // generator's bulk path) and keep a load's buffers small. A buffer must hold the longest
  // record: one event is at most about the 1 MiB body it came in, within DuckDB's 2 MB line limit.
  "buffer_size=2097152, max_line_size=2097152)";
const selectList = EVENT_COLUMN_NAMES.map((c) =>
  EVENT_COLUMNS[c] === "timestamp" ? `epoch_ms(${c}) AS ${c}` : c,
).join(", ");

export const EVENTS_DDL = `CREATE TABLE IF NOT EXISTS events (${EVENT_COLUMN_NAMES.map(
  (c) =>
    `${c} ${SQL_TYPES[EVENT_COLUMNS[c]]}${c === "event_id" || c === "project_id" ? " NOT NULL" : ""}`,
).join(", ")})`;

/**
 * Deleted projects and when: a request that found its project just before the deletion can
 * have its events loaded just after it, and they must not come back to life if a project of
 * that id is created again. Events collected before the deletion are dropped at load.
 */
const DELETED_DDL = `CREATE TABLE IF NOT EXISTS deleted_projects (
  project_id VARCHAR PRIMARY KEY, deleted_at TIMESTAMP NOT NULL)`;

/**
 * Crash replays and client re-sends arrive within this window of the original's collection;
 * bounding the look-back keeps the anti-join to a recent slice of the table.
 */
const DEDUP_WINDOW_MS = 2 * 24 * 3600 * 1000;

/**
 * An event that carries its device's creation and sending times (Snowplow's `dtm` and `stm`,
 * sent no earlier than created) tells when it was created, in our clock: its collection time
 * less the sending delay, which a re-send repeats (same creation time, later sending time). Its
 * stored copy was collected after that, so the look-back for such an event starts this long
 * before its creation (within DEDUP_WINDOW_MS). The margin covers a device clock set back
 * between the event's creation and its re-send, and a request replayed unchanged (the same
 * sending time) later on. A batch of live traffic then probes the last hours of the table
 * instead of two days of its projects' events (a join on random ids prunes nothing else): with
 * ten million events of one project stored, this alone took a load of 500 events of one
 * visitor from 740 to 383 ms (with a one-hour margin; see `npm run bench:history`). Events
 * without usable times (Jitsu's, servers') look back the whole window, in a probe of their own
 * that a batch without them skips; an event created days before it was sent takes its batch's
 * other probe back as far.
 */
const DEVICE_CLOCK_SLACK_MS = 6 * 3600 * 1000;

/** Whether incoming event `n` carries usable device times (see DEVICE_CLOCK_SLACK_MS). */
const TIMED =
  "n.dvce_created_tstamp IS NOT NULL AND n.dvce_sent_tstamp IS NOT NULL " +
  "AND n.dvce_sent_tstamp >= n.dvce_created_tstamp";

/**
 * Deletes from `incoming` the events of one group (`group`, a condition on alias n) already
 * stored since `variable`: the planner takes the variable as a constant (a subquery here would
 * turn into a nested-loop join), so the join probes a recent slice of the table and builds its
 * hash table on the small batch. An empty group's variable is NULL, and nothing is read.
 */
const dropStored = (variable: string, group: string) =>
  `DELETE FROM incoming i USING (
     SELECT e.project_id, e.event_id FROM events e
     JOIN incoming n ON e.event_id = n.event_id AND e.project_id = n.project_id
     WHERE e.collector_tstamp >= getvariable('${variable}') AND (${group})) stored
   WHERE i.event_id = stored.event_id AND i.project_id = stored.project_id`;

/** Idle query connections kept for reuse; more side-by-side queries connect anew. */
const MAX_IDLE_CONNECTIONS = 4;

export class DuckDbStore implements Store {
  readonly dialect = "duckdb" as const;
  private constructor(
    private readonly db: DuckDb,
    private readonly writer: DuckDBConnection,
    private readonly rollups: readonly RollupTable[],
    /** DuckDB's configured threads, which queries use. */
    private readonly threads: number,
    private readonly watch: FatalWatch,
  ) {}

  /** The last write in line on the write connection (see `transaction`). */
  private writes: Promise<unknown> = Promise.resolve();

  /** `watch` is shared with whatever else uses the instance (project metadata). */
  static async open(
    db: DuckDb,
    rollups: readonly RollupTable[] = rollupTables(builtInModel()),
    watch: FatalWatch = new FatalWatch(),
  ): Promise<DuckDbStore> {
    const writer = await db.connect();
    await writer.run(EVENTS_DDL);
    await writer.run(DELETED_DDL);
    await ensureSessionsRollup(writer);
    await ensureRollups(writer, rollups);
    const threads = await writer.runAndReadAll("SELECT current_setting('threads')::INTEGER");
    const configured = Number(threads.getRows()[0]?.[0] ?? 2);
    return new DuckDbStore(db, writer, rollups, configured, watch);
  }

  /** One table holds every project: nothing to prepare. */
  async createProject(_projectId: string): Promise<void> {}

  async loadSegments(paths: readonly string[]): Promise<number> {
    if (paths.length === 0) return 0;
    // A load runs on one thread (its caller's). On two threads the same load took ~25% more CPU
    // per event (partial hash tables, merges, wake-ups), CPU that the collector's thread needs
    // while events arrive. Queries get the configured threads back when it is done.
    return this.transaction((writer) => this.load(writer, paths), { threads: 1 });
  }

  /** The load as one script (see `script`): one trip to DuckDB however many statements. */
  private async load(writer: DuckDBConnection, paths: readonly string[]): Promise<number> {
    const result = await writer.runAndReadAll(
      script([
        `CREATE OR REPLACE TEMP TABLE incoming AS
         SELECT ${selectList} FROM ${readCsv(paths)}
         WHERE event_id IS NOT NULL AND project_id IS NOT NULL`,
        // One of each event id: a replayed or re-sent event can be in the batch twice. Finding
        // the rare duplicates by their two key columns costs a fraction of DISTINCT ON over the
        // whole row, which kept the first value of every other column.
        `DELETE FROM incoming i USING (
           SELECT project_id, event_id, min(rowid) AS kept FROM incoming
           GROUP BY project_id, event_id HAVING count(*) > 1) d
         WHERE i.project_id = d.project_id AND i.event_id = d.event_id AND i.rowid <> d.kept`,
        // Events of a project deleted after they were collected (see DELETED_DDL).
        `DELETE FROM incoming i USING deleted_projects d
         WHERE i.project_id = d.project_id AND i.collector_tstamp <= d.deleted_at`,
        // Drop what is already stored, looking back from each event's creation when its device
        // times tell it, else from its collection (see DEVICE_CLOCK_SLACK_MS).
        `SET VARIABLE glimpse_timed_since = (
           SELECT min(greatest(
             collector_tstamp - (dvce_sent_tstamp - dvce_created_tstamp)
               - INTERVAL ${DEVICE_CLOCK_SLACK_MS} MILLISECOND,
             collector_tstamp - INTERVAL ${DEDUP_WINDOW_MS} MILLISECOND))
           FROM incoming n WHERE ${TIMED})`,
        `SET VARIABLE glimpse_untimed_since = (
           SELECT min(collector_tstamp) - INTERVAL ${DEDUP_WINDOW_MS} MILLISECOND
           FROM incoming n WHERE NOT (${TIMED}))`,
        dropStored("glimpse_timed_since", TIMED),
        dropStored("glimpse_untimed_since", `NOT (${TIMED})`),
        ...this.land("incoming"),
        "SET VARIABLE glimpse_loaded = (SELECT count(*) FROM incoming)",
        "DROP TABLE incoming",
        "SELECT getvariable('glimpse_loaded')",
      ]),
    );
    return Number(result.getRows()[0]?.[0] ?? 0);
  }

  /** Inserts the rows of temp table `batch` into `events`, the sessions rollup and the rollups. */
  private land(batch: string): string[] {
    return [
      `INSERT INTO events (${columnList}) SELECT * FROM ${batch}`,
      ...refreshSessions(batch),
      ...refreshRollups(this.rollups, batch),
    ];
  }

  async insertEvents(events: readonly StoredEvent[]): Promise<void> {
    if (events.length === 0) return;
    const file = join(tmpdir(), `glimpse-bulk-${randomUUID()}.csv`);
    await writeFile(file, events.map(eventToCsv).join(""), { mode: 0o600 });
    try {
      await this.transaction((writer) =>
        writer.run(
          script([
            `CREATE OR REPLACE TEMP TABLE inserted AS SELECT ${selectList} FROM ${readCsv([file])}`,
            ...this.land("inserted"),
            "DROP TABLE inserted",
          ]),
        ),
      );
    } finally {
      await rm(file, { force: true });
    }
  }

  /**
   * Runs `work` in a transaction on the one write connection, after every write before it:
   * the batch writer, project deletion and the generator share that connection, and their
   * statements (and temp tables) must never interleave.
   */
  private transaction<T>(
    work: (writer: DuckDBConnection) => Promise<T>,
    { threads }: { threads?: number } = {},
  ): Promise<T> {
    return this.serially(async (writer) => {
      // The thread count is set outside the transaction (a failed one refuses every statement
      // until its rollback), in the same trips to DuckDB as BEGIN and COMMIT.
      const set = threads === undefined ? [] : [`SET threads = ${threads}`];
      const restore = threads === undefined ? [] : [`SET threads = ${this.threads}`];
      let restored = threads === undefined;
      let failed = false;
      try {
        await writer.run(script([...set, "BEGIN TRANSACTION"]));
        try {
          const result = await work(writer);
          await writer.run(script(["COMMIT", ...restore]));
          restored = true;
          return result;
        } catch (error) {
          await writer.run("ROLLBACK").catch(() => {});
          throw error;
        }
      } catch (error) {
        failed = true;
        throw error;
      } finally {
        // A failed restore must not hide why the transaction failed. After a commit it fails
        // the call: a load retried after it finds its events stored.
        if (!restored) {
          await writer.run(script(restore)).catch((error: unknown) => {
            if (!failed) throw error;
          });
        }
      }
    });
  }

  /** Runs `work` on the write connection after every write before it (see `transaction`). */
  private serially<T>(work: (writer: DuckDBConnection) => Promise<T>): Promise<T> {
    const run = this.writes
      .then(() => {
        if (this.watch.error) throw this.watch.error;
        return work(this.writer);
      })
      .catch((error: unknown) => {
        throw this.watch.check(error);
      });
    this.writes = run.catch(() => {});
    return run;
  }

  /** Connections that ran a query and are free for the next (see `query`). */
  private readonly idle: DuckDBConnection[] = [];
  private closed = false;

  async query(sql: string, params: readonly SqlParam[] = []): Promise<Row[]> {
    // A connection per running query: queries run side by side with each other and with bulk
    // loads. Finished ones are kept for the next query, which then skips connecting.
    if (this.watch.error) throw this.watch.error;
    if (this.closed) throw new Error("the store is closed");
    try {
      const connection = this.idle.pop() ?? (await this.db.connect());
      let reusable = false;
      try {
        const reader = await connection.runAndReadAll(sql, params as DuckDBValue[]);
        reusable = true;
        return reader.getRowObjectsJson() as Row[];
      } finally {
        // A query that ends after `close` must not put its connection back: nothing would
        // close it, and it would keep the file attached.
        if (reusable && !this.closed && this.idle.length < MAX_IDLE_CONNECTIONS)
          this.idle.push(connection);
        else connection.closeSync();
      }
    } catch (error) {
      throw this.watch.check(error);
    }
  }

  async countEvents(projectId: string, from: number, to: number): Promise<number> {
    const [row] = await this.query(
      `SELECT count(*) AS n FROM events WHERE project_id = $1
       AND collector_tstamp >= make_timestamp($2::BIGINT) AND collector_tstamp < make_timestamp($3::BIGINT)`,
      [projectId, from * 1000, to * 1000],
    );
    return Number(row?.n ?? 0);
  }

  async deleteProject(projectId: string): Promise<void> {
    await this.transaction(async (writer) => {
      await writer.run("DELETE FROM events WHERE project_id = $1", [projectId]);
      await writer.run(
        "INSERT OR REPLACE INTO deleted_projects VALUES ($1, make_timestamp($2::BIGINT * 1000))",
        [projectId, Date.now()],
      );
      await deleteProjectSessions(writer, projectId);
      await deleteProjectRollups(writer, this.rollups, projectId);
    });
    // The deleted rows stay in the file until their row groups are merged, a few per checkpoint
    // (see VACUUM_TASKS): a checkpoint now merges up to DuckDB's default, so that a deleted
    // project's events leave the file. One that cannot run now (another connection is writing)
    // leaves them to the checkpoints to come.
    await this.serially(async (writer) => {
      try {
        await writer.run(script(["SET max_vacuum_tasks = 100", "CHECKPOINT"]));
      } catch (error) {
        // A fatal error stops the store; after any other, later checkpoints merge the rows.
        if (this.watch.check(error) instanceof StoreFatalError) throw error;
      } finally {
        await writer.run(`SET max_vacuum_tasks = ${VACUUM_TASKS}`);
      }
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.writes;
    for (const connection of this.idle.splice(0)) connection.closeSync();
    this.writer.closeSync();
    this.db.closeSync();
  }
}
