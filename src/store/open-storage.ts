/**
 * Opens where a service keeps things, as configured: the event store (GLIMPSE_STORE: embedded
 * DuckDB in the data dir, or ClickHouse at CLICKHOUSE_URL) and project metadata (PostgreSQL at
 * DATABASE_URL, shared by several service processes; else DuckDB in the data dir).
 */
import type { Config } from "../config/config.js";
import { DuckDbProjectRepository, type ProjectRepository } from "../projects/repository.js";
import { ProjectsWithStorage } from "../projects/store-hooks.js";
import { FatalWatch, openDuckDb } from "./duckdb-database.js";
import { DuckDbStore } from "./duckdb-store.js";
import type { Store, StoreFatalError } from "./store.js";

export interface Storage {
  store: Store;
  projects: ProjectRepository;
  /**
   * Calls `listener` once if the embedded DuckDB (events or metadata) fails fatally and can no
   * longer be used by this process (see StoreFatalError).
   */
  onFatal(listener: (error: StoreFatalError) => void): void;
  /** Closes the store and the metadata connections. */
  close(): Promise<void>;
}

type StorageConfig = Pick<
  Config,
  | "GLIMPSE_DATA_DIR"
  | "GLIMPSE_DUCKDB_MEMORY"
  | "GLIMPSE_STORE"
  | "CLICKHOUSE_URL"
  | "CLICKHOUSE_DATABASE_PREFIX"
  | "DATABASE_URL"
>;

export async function openStorage(config: StorageConfig): Promise<Storage> {
  const closers: Array<() => Promise<void>> = [];
  const close = async () => {
    for (const fn of closers.reverse()) await fn();
  };
  try {
    // DuckDB is opened only when something lives in it.
    const needsDuck = config.GLIMPSE_STORE === "duckdb" || config.DATABASE_URL === undefined;
    const instance = needsDuck
      ? await openDuckDb(config.GLIMPSE_DATA_DIR, { memoryLimit: config.GLIMPSE_DUCKDB_MEMORY })
      : null;
    if (instance) closers.push(async () => instance.closeSync());
    // One watch for everything on the instance: a fatal error anywhere invalidates all of it.
    const watch = new FatalWatch();

    let store: Store;
    if (config.GLIMPSE_STORE === "clickhouse") {
      // Loaded only when configured, as PostgreSQL's client below: each client library adds
      // megabytes to every process that never talks to it.
      const { ClickHouseStore } = await import("./clickhouse/clickhouse-store.js");
      const ch = await ClickHouseStore.open({
        url: config.CLICKHOUSE_URL ?? "",
        databasePrefix: config.CLICKHOUSE_DATABASE_PREFIX,
      });
      closers.push(() => ch.close());
      store = ch;
    } else {
      const duck = await DuckDbStore.open(
        instance as NonNullable<typeof instance>,
        undefined,
        watch,
      );
      // DuckDbStore.close also closes the instance (if the open failed, the closer above does).
      closers.pop();
      closers.push(() => duck.close());
      store = duck;
    }

    let repository: ProjectRepository;
    if (config.DATABASE_URL) {
      const { PostgresProjectRepository } = await import("../projects/postgres-repository.js");
      const pg = await PostgresProjectRepository.open(config.DATABASE_URL);
      closers.push(() => pg.close());
      repository = pg;
    } else {
      const duck = await DuckDbProjectRepository.open(
        instance as NonNullable<typeof instance>,
        watch,
      );
      // Before the store's closer (closers run in reverse): an open connection would keep
      // the file attached after the instance is closed.
      closers.push(async () => duck.close());
      repository = duck;
    }
    return {
      store,
      projects: new ProjectsWithStorage(repository, store),
      onFatal: (listener) => watch.onFatal(listener),
      close,
    };
  } catch (error) {
    await close().catch(() => {});
    throw error;
  }
}
