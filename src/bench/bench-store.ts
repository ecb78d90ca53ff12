/**
 * `--store duckdb|clickhouse` for the benchmarks: which store they measure, so both print the
 * same figures side by side. ClickHouse is CLICKHOUSE_URL when set, else a throwaway server
 * from the Debian package on loopback (src/devservers/clickhouse.ts).
 */
import { type ClickHouseServer, startClickHouse } from "../devservers/clickhouse.js";

export type BenchStore = "duckdb" | "clickhouse";

/** The `--store` flag of `argv` (default duckdb); exits with a message for anything else. */
export function storeFlag(argv: readonly string[]): BenchStore {
  const i = argv.findIndex((a) => a === "--store" || a.startsWith("--store="));
  const value = i === -1 ? "duckdb" : (argv[i]?.split("=")[1] ?? argv[i + 1]);
  if (value === "duckdb" || value === "clickhouse") return value;
  console.error(`--store must be duckdb or clickhouse, not ${JSON.stringify(value)}`);
  process.exit(2);
}

export interface ClickHouseTarget {
  url: string;
  /** Stops the throwaway server, if one was started. */
  close(): Promise<void>;
}

export async function clickHouseForBench(): Promise<ClickHouseTarget> {
  const url = process.env.CLICKHOUSE_URL;
  if (url) return { url, close: async () => {} };
  const server: ClickHouseServer = await startClickHouse();
  return { url: server.url, close: () => server.dispose() };
}
