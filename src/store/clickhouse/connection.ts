/**
 * The HTTP connection to ClickHouse through `@clickhouse/client`: statements, JSON rows and
 * JSONEachRow inserts, with network failures turned into StoreUnavailableError (the batch
 * writer retries those; the query API answers 503).
 */
import { type ClickHouseClient, ClickHouseLogLevel, createClient } from "@clickhouse/client";
import { StoreUnavailableError } from "../store.js";

export interface ClickHouseTarget {
  /** `http://host:8123` without credentials (for messages). */
  origin: string;
  username: string;
  password: string;
}

/** Splits CLICKHOUSE_URL (`http://user:pass@host:8123`) into origin and credentials. */
export function parseClickHouseUrl(url: string): ClickHouseTarget {
  const parsed = new URL(url);
  return {
    origin: `${parsed.protocol}//${parsed.host}`,
    username: decodeURIComponent(parsed.username) || "default",
    password: decodeURIComponent(parsed.password),
  };
}

const NETWORK_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "EPIPE",
  "ETIMEDOUT",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "ENOTFOUND",
  "EAI_AGAIN",
  "UND_ERR_SOCKET",
]);

function isNetworkError(error: unknown): boolean {
  for (let e: unknown = error; e instanceof Error; e = e.cause) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === "string" && NETWORK_CODES.has(code)) return true;
    if (/socket hang up|Timeout error|ECONNREFUSED|ECONNRESET/i.test(e.message)) return true;
  }
  return false;
}

export interface JsonResult {
  meta: Array<{ name: string; type: string }>;
  data: Array<Record<string, unknown>>;
}

export class ClickHouseConnection {
  private readonly client: ClickHouseClient;

  constructor(readonly target: ClickHouseTarget) {
    this.client = createClient({
      url: target.origin,
      username: target.username,
      password: target.password,
      request_timeout: 60_000,
      compression: { request: false, response: false },
      keep_alive: { enabled: true },
      // Failures reach the caller as errors (and the service's log); the client's own log is
      // a second, unstructured copy.
      log: { level: ClickHouseLogLevel.OFF },
    });
  }

  private async guard<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      if (isNetworkError(error)) {
        const detail = error instanceof Error ? error.message : String(error);
        throw new StoreUnavailableError(
          `ClickHouse at ${this.target.origin} is unreachable (${detail})`,
          { cause: error },
        );
      }
      throw error;
    }
  }

  /** Runs a statement that returns no rows (DDL, INSERT ... SELECT). */
  command(sql: string): Promise<void> {
    return this.guard(async () => {
      await this.client.command({ query: sql });
    });
  }

  /** Runs a query and returns its rows with the column types. */
  select(sql: string): Promise<JsonResult> {
    return this.guard(async () => {
      const result = await this.client.query({ query: sql, format: "JSON" });
      return (await result.json()) as unknown as JsonResult;
    });
  }

  /** Inserts rows into `table` (already quoted) as JSONEachRow. */
  insert(table: string, rows: readonly Record<string, unknown>[]): Promise<void> {
    return this.guard(async () => {
      await this.client.insert({
        table,
        values: rows as Record<string, unknown>[],
        format: "JSONEachRow",
      });
    });
  }

  close(): Promise<void> {
    return this.client.close();
  }
}
