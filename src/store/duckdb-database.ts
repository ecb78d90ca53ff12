/**
 * Opens the embedded DuckDB database file that holds events and metadata. DuckDB allows one
 * process to hold a database file; a second opener gets `StoreBusyError`, which the CLI turns
 * into "a running service holds the store".
 */
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { DuckDBInstance } from "@duckdb/node-api";
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

export async function openDuckDb(
  dataDir: string,
  options: DuckDbOptions = {},
): Promise<DuckDBInstance> {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const path = join(dataDir, "glimpse.duckdb");
  try {
    return await DuckDBInstance.create(path, {
      memory_limit: options.memoryLimit ?? "1GB",
      threads: String(options.threads ?? 2),
      // A checkpoint rewrites every row group a load touched (the sessions rollup's rows are
      // replaced on each load): at DuckDB's default of 16 MB one ran every third 20k-event
      // load and made commits ~3x dearer on average than at 64 MB, which keeps the log short.
      checkpoint_threshold: "64MB",
    });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const lock = /Conflicting lock is held in (.*)/.exec(message);
    if (lock) throw new StoreBusyError(path, lock[1] ?? "lock held");
    throw error;
  }
}

/**
 * Watches one DuckDB instance for fatal errors. DuckDB's fatal errors ("FATAL Error: ...")
 * invalidate the database: every later statement fails with "FATAL Error: Failed: database has
 * been invalidated" until it is opened again. Everything on the instance (events, project
 * metadata) passes its errors through `check`, so the first one, wherever it happens, is told.
 */
export class FatalWatch {
  private fatal: StoreFatalError | null = null;
  private readonly listeners: Array<(error: StoreFatalError) => void> = [];

  /** Calls `listener` once, at the first fatal error (at once if there was one). */
  onFatal(listener: (error: StoreFatalError) => void): void {
    if (this.fatal) listener(this.fatal);
    else this.listeners.push(listener);
  }

  /** The error to throw for `error`: a StoreFatalError if DuckDB's was fatal, else itself. */
  check(error: unknown): unknown {
    // Only the prefix counts: other errors can quote values from the events.
    if (!(error instanceof Error && error.message.startsWith("FATAL Error"))) return error;
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
