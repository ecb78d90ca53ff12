/**
 * Whether the Debian server packages the store tests need are installed. Off CI a missing one
 * skips those tests with this reason; on CI (`CI=true`) it is a failure, since `.ci/run`
 * installs them.
 */
import { existsSync } from "node:fs";

export const CLICKHOUSE_SERVER = "/usr/sbin/clickhouse-server";
export const POSTGRES_BIN = "/usr/lib/postgresql/15/bin";

/** Null when both servers can be started, else why not. */
export function missingServers(): string | null {
  const missing: string[] = [];
  if (!existsSync(CLICKHOUSE_SERVER))
    missing.push(`${CLICKHOUSE_SERVER} (apt-get install clickhouse-server)`);
  if (!existsSync(`${POSTGRES_BIN}/postgres`))
    missing.push(`${POSTGRES_BIN}/postgres (apt-get install postgresql)`);
  if (missing.length === 0) return null;
  const reason = `not installed: ${missing.join(", ")}`;
  if (process.env.CI === "true") throw new Error(`CI needs the store servers; ${reason}`);
  return reason;
}
