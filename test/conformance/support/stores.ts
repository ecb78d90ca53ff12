/**
 * The stores the conformance suite runs against, each opened fresh for a test file: embedded
 * DuckDB in a temp dir, and ClickHouse on a throwaway server from the Debian package (test/servers).
 * Off CI, a machine without the ClickHouse package skips the ClickHouse half, with the reason.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { missingServers } from "../../../src/devservers/available.js";
import { type ClickHouseServer, startClickHouse } from "../../../src/devservers/clickhouse.js";
import { ClickHouseStore } from "../../../src/store/clickhouse/clickhouse-store.js";
import { openDuckDb } from "../../../src/store/duckdb-database.js";
import { DuckDbStore } from "../../../src/store/duckdb-store.js";
import type { Store } from "../../../src/store/store.js";

export interface OpenedStore {
  store: Store;
  /** ClickHouse's server, for tests that look inside or stop it. */
  server: ClickHouseServer | null;
  dispose(): Promise<void>;
}

export interface StoreKind {
  name: "duckdb" | "clickhouse";
  /** Why this store cannot run here (null: it can). */
  skip: string | null;
  open(): Promise<OpenedStore>;
}

async function openDuck(): Promise<OpenedStore> {
  const dir = mkdtempSync(join(tmpdir(), "glimpse-conformance-"));
  const instance = await openDuckDb(dir, { memoryLimit: "512MB" });
  const store = await DuckDbStore.open(instance);
  return {
    store,
    server: null,
    async dispose() {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function openClickHouse(): Promise<OpenedStore> {
  const server = await startClickHouse();
  const store = await ClickHouseStore.open({ url: server.url, databasePrefix: "glimpse_test_" });
  return {
    store,
    server,
    async dispose() {
      await store.close();
      await server.dispose();
    },
  };
}

export const STORE_KINDS: readonly StoreKind[] = [
  { name: "duckdb", skip: null, open: openDuck },
  { name: "clickhouse", skip: missingServers(), open: openClickHouse },
];
