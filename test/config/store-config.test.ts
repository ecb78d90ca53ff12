/** The store settings: GLIMPSE_STORE, CLICKHOUSE_URL, CLICKHOUSE_DATABASE_PREFIX, DATABASE_URL. */
import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../../src/config/config.js";

function error(env: Record<string, string>): string {
  try {
    loadConfig(env);
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return (e as Error).message;
  }
  throw new Error("expected a ConfigError");
}

describe("store configuration", () => {
  it("defaults to embedded DuckDB with local metadata", () => {
    const config = loadConfig({});
    expect(config.GLIMPSE_STORE).toBe("duckdb");
    expect(config.CLICKHOUSE_URL).toBeUndefined();
    expect(config.CLICKHOUSE_DATABASE_PREFIX).toBe("glimpse_");
    expect(config.DATABASE_URL).toBeUndefined();
  });

  it.each([
    [
      { GLIMPSE_STORE: "clickhouse" },
      "CLICKHOUSE_URL=(hidden): required when GLIMPSE_STORE=clickhouse",
    ],
    [
      { GLIMPSE_STORE: "clickhouse", CLICKHOUSE_URL: "tcp://h:9000" },
      "CLICKHOUSE_URL=(hidden): must be an http(s) URL",
    ],
    [{ GLIMPSE_STORE: "mysql" }, 'GLIMPSE_STORE="mysql"'],
    [{ CLICKHOUSE_DATABASE_PREFIX: "My-DB" }, 'CLICKHOUSE_DATABASE_PREFIX="My-DB": must be a-z'],
    [{ DATABASE_URL: "mysql://u:p@h/db" }, "DATABASE_URL=(hidden): must be a PostgreSQL URL"],
  ])("refuses %j in one line without echoing passwords", (env, message) => {
    const text = error(env);
    expect(text).toContain(message);
    expect(text).not.toContain("\n");
    expect(text).not.toMatch(/u:p@|tcp:\/\//);
  });
});
