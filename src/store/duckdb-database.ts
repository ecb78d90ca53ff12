/**
 * Opens the embedded DuckDB database file that holds events and metadata. DuckDB allows one
 * process to hold a database file; a second opener gets `StoreBusyError`, which the CLI turns
 * into "a running service holds the store".
 */
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { type DuckDBConnection, DuckDBInstance } from "@duckdb/node-api";
import { StoreFatalError } from "./store.js";

export class StoreBusyError extends Error {
  constructor(path: string, detail: string) {
    super(`the store ${path} is held by another process (${detail})`);
    this.name = "StoreBusyError";
  }
}

export interface DuckDbOptions {
  /** DuckDB's own memory ceiling, e.g. "512MB". */
  memoryLimit?: string;
  threads?: number;
}

/** The name the data dir's database file is attached under. */
const CATALOG = "glimpse";

/**
 * Rows per row group, a tenth of DuckDB's default (122,880). DuckDB writes an insert's full row
 * groups straight to the file, compressed ("optimistic writes"); the rest goes through its
 * WAL and stays in memory, uncompressed, until a checkpoint. An event row is ~3 KB in memory,
 * so with the default nearly every load took the second path: commits with their checkpoints
 * were a third of the store's time, and un-checkpointed rows held hundreds of MB. At 16,384
 * rows the batched bench's commits took 0.2 s in all instead of 4–8 s, 10–25% more events
 * per second landed, and peak RSS fell by ~170 MB. Queries on 10M events were as fast.
 */
export const ROW_GROUP_SIZE = 16_384;

/** Row-group merges per table and checkpoint (see openDuckDb). */
export const VACUUM_TASKS = 8;

/**
 * The file format written, DuckDB's own by default being v0.10.2's (readable by older
 * releases). With 1.5's, the batched bench landed 78–81k events/s instead of 61–69k, at less
 * CPU per event. A file written by an earlier Glimpse is read as before.
 */
const STORAGE_VERSION = "v1.5.0";

/**
 * Statements as one script, run in one call: each call is a trip through the thread pool and
 * back through the event loop, which under load took ~10 ms however little the statement did.
 * DuckDB runs them in order and stops at the first that fails.
 */
export function script(statements: readonly string[]): string {
  return statements.join(";\n");
}

/**
 * The embedded database: an in-memory DuckDB instance with the data dir's file attached as
 * every connection's default database. Attaching is the only way to give a file its row group
 * size, and an attached database is the default only for connections that `USE` it; so
 * connections come from `connect`, never from the instance itself.
 */
export class DuckDb {
  constructor(private readonly instance: DuckDBInstance) {}

  async connect(): Promise<DuckDBConnection> {
    const connection = await this.instance.connect();
    try {
      await connection.run(`USE ${CATALOG}`);
    } catch (error) {
      connection.closeSync();
      throw error;
    }
    return connection;
  }

  /**
   * Closes the instance. DuckDB checkpoints and releases the file once the last connection is
   * closed too, so owners close theirs first (the store's, the project repository's).
   */
  closeSync(): void {
    this.instance.closeSync();
  }
}

export async function openDuckDb(dataDir: string, options: DuckDbOptions = {}): Promise<DuckDb> {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const path = join(dataDir, "glimpse.duckdb");
  const instance = await DuckDBInstance.create(":memory:", {
    memory_limit: options.memoryLimit ?? "1GB",
    threads: String(options.threads ?? 2),
    // Where DuckDB spills beyond its memory limit (what it uses by default for a file it opens).
    temp_directory: `${path}.tmp`,
    // What DuckDB's own log holds (a load's last, partial row group; the rollups' and sessions'
    // changes) stays in memory, uncompressed, until a checkpoint. With events spread over
    // 10,000 visitors, each load rewrites thousands of sessions rows: the bench peaked at
    // 925 MB with 64 MB, 567–616 MB with 16 MB (DuckDB's default) and 446–486 MB with 4 MB,
    // storing ~3% fewer events/s; 30 loads of generated traffic peaked at 533 MB instead of 582,
    // in 4% more time (with one visitor, the default bench, no figure moved).
    checkpoint_threshold: "4MB",
    // A checkpoint also merges row groups that are small (each load leaves one: its rows past
    // the last full row group) or partly deleted, rewriting their neighbours. With up to 100
    // merges per table and checkpoint (DuckDB's default), 30 loads of generated traffic peaked
    // at 988 MB and a checkpoint after six of them took 500 ms and 170 MB; with 8 they peaked at
    // 506 MB, 8% faster, and the merges keep up (76 row groups for 660k events, against 62).
    // Deleting a project asks for a full merge (DuckDbStore.deleteProject).
    max_vacuum_tasks: String(VACUUM_TASKS),
    // A bulk insert writes each full row group at once rather than five together (which would
    // hold five in memory).
    write_buffer_row_group_count: "1",
  });
  const connection = await instance.connect();
  try {
    await connection.run(
      `ATTACH ${sqlString(path)} AS ${CATALOG} (ROW_GROUP_SIZE ${ROW_GROUP_SIZE}, STORAGE_VERSION '${STORAGE_VERSION}')`,
    );
  } catch (error) {
    instance.closeSync();
    const message = error instanceof Error ? error.message : String(error);
    const lock = /Conflicting lock is held in (.*)/.exec(message);
    if (lock) throw new StoreBusyError(path, lock[1] ?? "lock held");
    throw error;
  } finally {
    connection.closeSync();
  }
  return new DuckDb(instance);
}

/** A DuckDB string literal (for what cannot be bound, such as file paths in ATTACH, read_csv). */
export function sqlString(text: string): string {
  return `'${text.replaceAll("'", "''")}'`;
}

/**
 * The errors after which the database file cannot be used until it is attached again: DuckDB's
 * fatal errors, and a failed checkpoint (which invalidates the attached file; the commit that
 * ran it is durable). Only how the message starts counts: other errors can quote event values.
 */
const FATAL = new RegExp(
  [
    "^FATAL Error",
    "^IO Error: Transaction COMMIT succeeded and is durable, but the autocheckpoint failed",
    `^\\w+ Error: Failed to commit: Checkpoint failed for database "${CATALOG}"`,
    `^\\w+ Error: Database "${CATALOG}" has been invalidated`,
  ].join("|"),
);

/**
 * Watches one DuckDB instance for fatal errors (see FATAL): after one, every later statement
 * on the file fails until it is opened again. Everything on the instance (events, project
 * metadata) passes its errors through `check`, so the first one, wherever it happens, is told.
 */
export class FatalWatch {
  private fatal: StoreFatalError | null = null;
  private readonly listeners: Array<(error: StoreFatalError) => void> = [];

  /** The fatal error, once there was one: the store then refuses every statement with it. */
  get error(): StoreFatalError | null {
    return this.fatal;
  }

  /** Calls `listener` once, at the first fatal error (at once if there was one). */
  onFatal(listener: (error: StoreFatalError) => void): void {
    if (this.fatal) listener(this.fatal);
    else this.listeners.push(listener);
  }

  /** The error to throw for `error`: a StoreFatalError if DuckDB's was fatal, else itself. */
  check(error: unknown): unknown {
    if (!(error instanceof Error && FATAL.test(error.message))) return error;
    if (!this.fatal) {
      this.fatal = new StoreFatalError(
        `DuckDB can no longer use the database until it is opened again: ${error.message}`,
        { cause: error },
      );
      for (const listener of this.listeners.splice(0)) listener(this.fatal);
    }
    return this.fatal;
  }
}
