/**
 * The service's lifecycle: open the store and the write-ahead log, replay what an earlier run
 * left in the log, start the batch writer, then listen. Stopping reverses it: stop accepting,
 * flush the log into the store, close.
 */
import { join } from "node:path";
import type { FastifyInstance } from "fastify";
import type { Config } from "../config/config.js";
import { loadSecrets, type Secrets } from "../config/secrets.js";
import { BatchWriter } from "../ingest/batch-writer.js";
import { Collector } from "../ingest/collector.js";
import { Sessionizer } from "../ingest/enrich/sessions.js";
import { VisitorHasher } from "../ingest/enrich/visitor.js";
import { WriteAheadLog } from "../ingest/wal/write-ahead-log.js";
import { ProjectDirectory } from "../projects/directory.js";
import { ROW_GROUP_SIZE } from "../store/duckdb-database.js";
import { openStorage } from "../store/open-storage.js";
import { StoreFatalError, StoreUnavailableError } from "../store/store.js";
import { buildApp, type Health } from "./app.js";
import type { AppContext } from "./context.js";

export interface Service {
  app: FastifyInstance;
  ctx: AppContext;
  url: string;
  writer: BatchWriter;
  stop(): Promise<void>;
}

export interface ServiceOptions {
  /** Batch writer cadence; tests shorten it. */
  flushIntervalMs?: number;
  flushMaxEvents?: number;
  /**
   * The store became unusable (see StoreFatalError), after it was logged: `glimpse serve`
   * stops and exits non-zero so that a supervisor restarts it.
   */
  onFatal?: (error: StoreFatalError) => void;
}

export async function startService(config: Config, options: ServiceOptions = {}): Promise<Service> {
  const dataDir = config.GLIMPSE_DATA_DIR;
  const secrets: Secrets = loadSecrets(dataDir, {
    adminToken: config.GLIMPSE_ADMIN_TOKEN,
    apiSecret: config.GLIMPSE_API_SECRET,
  });
  // The store as configured (DuckDB, or ClickHouse), metadata in DuckDB or shared PostgreSQL.
  const storage = await openStorage(config);
  const { store, projects } = storage;
  const ctx: AppContext = { config, secrets, store, projects };

  let health: Health = "starting";
  const wal = await WriteAheadLog.open(join(dataDir, "wal"), config.GLIMPSE_WAL_MAX_BYTES);
  const directory = new ProjectDirectory(projects);
  const loadFailed = (error: unknown) => {
    // A failed store was logged once, at fatal, and the service is stopping.
    if (!(error instanceof StoreFatalError))
      app.log.error({ err: error }, "loading events into the store failed; will retry");
  };
  const writer = new BatchWriter(wal, store, {
    intervalMs: options.flushIntervalMs ?? 1000,
    // One row group of the DuckDB store: a load of that many is written to the file at once.
    // Against 10k, single-event requests cost ~10% less CPU.
    maxEvents: options.flushMaxEvents ?? ROW_GROUP_SIZE,
    onError: (error) => loadFailed(error),
    onQuarantine: (path, error) =>
      app.log.error(
        { err: error, path },
        "a write-ahead-log segment keeps failing to load: set aside, kept on disk",
      ),
  });
  const collector = new Collector({
    directory,
    projects,
    wal,
    writer,
    enricher: { visitors: new VisitorHasher(dataDir), sessions: new Sessionizer() },
  });
  const app = await buildApp({ ctx, collector, directory, health: () => health });
  storage.onFatal((error) => {
    health = "store failed";
    app.log.fatal(
      { err: error },
      "the store is unusable until the service restarts; acknowledged events wait in the write-ahead log",
    );
    options.onFatal?.(error);
  });

  // Whatever an earlier run acknowledged but did not load is loaded before we listen. A store
  // that is down just now, or a load that fails (retried in smaller loads, a segment that keeps
  // failing set aside), does not keep the collector from taking events into the log.
  try {
    await writer.drain();
  } catch (error) {
    if (error instanceof StoreUnavailableError)
      app.log.warn({ err: error }, "the store is unreachable; events wait in the log");
    else loadFailed(error);
  }
  writer.start();
  const address = await app.listen({ port: config.PORT, host: config.HOST });
  if (health === "starting") health = "ok";

  let stopping: Promise<void> | null = null;
  const stop = () => {
    stopping ??= (async () => {
      if (health !== "store failed") health = "stopping";
      await app.close();
      try {
        // What cannot be loaded now (store down) stays in the log for the next start.
        await writer.stop();
      } finally {
        await wal.close();
        await storage.close();
      }
    })();
    return stopping;
  };
  return {
    app,
    ctx,
    url: address.replace("0.0.0.0", "127.0.0.1").replace("[::]", "127.0.0.1"),
    writer,
    stop,
  };
}
