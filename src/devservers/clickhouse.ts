/**
 * A throwaway ClickHouse server from the Debian package, on loopback: a minimal config in a
 * temp dir, free ports for HTTP, native TCP and interserver traffic, data under the temp dir.
 * `stop()` and `start()` again keep the data and ports, for the outage tests.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CLICKHOUSE_SERVER } from "./available.js";
import { freePort, waitFor } from "./free-port.js";

export interface ClickHouseServer {
  /** `http://default:@127.0.0.1:<port>`, as CLICKHOUSE_URL. */
  readonly url: string;
  readonly httpPort: number;
  /** Runs a statement over HTTP and returns the response text (tests' own look-ups). */
  sql(statement: string): Promise<string>;
  /** Stops the server (SIGTERM) and waits for it to exit; data stays. */
  stop(): Promise<void>;
  /** Starts it again on the same ports and data. */
  start(): Promise<void>;
  /** Stops it and deletes its directory. */
  dispose(): Promise<void>;
}

function config(dir: string, ports: { http: number; tcp: number; interserver: number }): string {
  return `<?xml version="1.0"?>
<yandex>
  <logger><level>warning</level><log>${dir}/server.log</log><errorlog>${dir}/error.log</errorlog><console>0</console></logger>
  <http_port>${ports.http}</http_port>
  <tcp_port>${ports.tcp}</tcp_port>
  <interserver_http_port>${ports.interserver}</interserver_http_port>
  <interserver_http_host>127.0.0.1</interserver_http_host>
  <listen_host>127.0.0.1</listen_host>
  <path>${dir}/data/</path>
  <tmp_path>${dir}/tmp/</tmp_path>
  <user_files_path>${dir}/user_files/</user_files_path>
  <format_schema_path>${dir}/format_schemas/</format_schema_path>
  <mark_cache_size>67108864</mark_cache_size>
  <max_concurrent_queries>100</max_concurrent_queries>
  <users_config>${dir}/users.xml</users_config>
  <default_profile>default</default_profile>
  <default_database>default</default_database>
  <timezone>UTC</timezone>
</yandex>
`;
}

const USERS = `<?xml version="1.0"?>
<yandex>
  <profiles><default><max_memory_usage>2000000000</max_memory_usage></default></profiles>
  <users><default><password></password><networks><ip>127.0.0.1</ip></networks><profile>default</profile><quota>default</quota></default></users>
  <quotas><default></default></quotas>
</yandex>
`;

export async function startClickHouse(): Promise<ClickHouseServer> {
  const dir = mkdtempSync(join(tmpdir(), "glimpse-clickhouse-"));
  const ports = { http: await freePort(), tcp: await freePort(), interserver: await freePort() };
  writeFileSync(join(dir, "config.xml"), config(dir, ports));
  writeFileSync(join(dir, "users.xml"), USERS);
  const base = `http://127.0.0.1:${ports.http}`;
  let child: ChildProcess | null = null;

  const sql = async (statement: string): Promise<string> => {
    const response = await fetch(`${base}/`, { method: "POST", body: statement });
    const text = await response.text();
    if (!response.ok) throw new Error(`ClickHouse: ${text.trim()}`);
    return text;
  };

  const start = async () => {
    if (child && child.exitCode === null) return; // already running
    const proc = spawn(CLICKHOUSE_SERVER, [`--config-file=${join(dir, "config.xml")}`], {
      cwd: dir,
      stdio: "ignore",
    });
    child = proc;
    let exited = false;
    proc.once("exit", () => {
      exited = true;
    });
    await waitFor("clickhouse-server", async () => {
      if (exited) throw new Error(`clickhouse-server exited; see ${dir}/error.log`);
      return (await sql("SELECT 1")).trim() === "1";
    });
  };

  const stop = async () => {
    const proc = child;
    child = null;
    if (!proc || proc.exitCode !== null) return;
    const exited = new Promise((resolve) => proc.once("exit", resolve));
    proc.kill("SIGTERM");
    // 18.16 waits for idle keep-alive connections to close; an outage need not be graceful.
    const timer = setTimeout(() => proc.kill("SIGKILL"), 3_000);
    await exited;
    clearTimeout(timer);
  };

  await start();
  return {
    url: `http://default:@127.0.0.1:${ports.http}`,
    httpPort: ports.http,
    sql,
    stop,
    start,
    async dispose() {
      await stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
