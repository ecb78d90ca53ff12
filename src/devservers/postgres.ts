/**
 * A throwaway PostgreSQL server from the Debian package, on loopback: `initdb` into a temp dir,
 * a free port, trust authentication for loopback only. PostgreSQL refuses to run as root (CI
 * runs as root), so there the cluster belongs to the `postgres` system user and the server runs
 * through `runuser`.
 */
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { chmodSync, chownSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { POSTGRES_BIN } from "./available.js";
import { freePort, waitFor } from "./free-port.js";

export interface PostgresServer {
  /** `postgres://postgres@127.0.0.1:<port>/glimpse`, as DATABASE_URL. */
  readonly url: string;
  dispose(): Promise<void>;
}

function systemUser(name: string): { uid: number; gid: number } {
  const uid = Number(execFileSync("id", ["-u", name]).toString().trim());
  const gid = Number(execFileSync("id", ["-g", name]).toString().trim());
  return { uid, gid };
}

export async function startPostgres(): Promise<PostgresServer> {
  const dir = mkdtempSync(join(tmpdir(), "glimpse-postgres-"));
  const data = join(dir, "data");
  const asRoot = process.getuid?.() === 0;
  const wrap = (bin: string, args: string[]): [string, string[]] =>
    asRoot ? ["runuser", ["-u", "postgres", "--", bin, ...args]] : [bin, args];
  if (asRoot) {
    const { uid, gid } = systemUser("postgres");
    chownSync(dir, uid, gid);
  }
  chmodSync(dir, 0o700);
  const [initCmd, initArgs] = wrap(`${POSTGRES_BIN}/initdb`, [
    "-D",
    data,
    "-U",
    "postgres",
    "--auth=trust",
    "--no-sync",
    "-E",
    "UTF8",
  ]);
  execFileSync(initCmd, initArgs, { stdio: "ignore" });

  const port = await freePort();
  const [cmd, args] = wrap(`${POSTGRES_BIN}/postgres`, [
    "-D",
    data,
    "-p",
    String(port),
    "-k",
    dir,
    "-c",
    "listen_addresses=127.0.0.1",
    "-c",
    "fsync=off",
    "-c",
    "max_connections=200",
  ]);
  const child: ChildProcess = spawn(cmd, args, { stdio: "ignore" });
  let exited = false;
  child.once("exit", () => {
    exited = true;
  });

  const admin = `postgres://postgres@127.0.0.1:${port}/postgres`;
  await waitFor("postgres", async () => {
    if (exited) throw new Error("postgres exited during start");
    const client = new pg.Client({ connectionString: admin });
    await client.connect();
    await client.query("CREATE DATABASE glimpse");
    await client.end();
    return true;
  });

  return {
    url: `postgres://postgres@127.0.0.1:${port}/glimpse`,
    async dispose() {
      if (child.exitCode === null) {
        const done = new Promise((resolve) => child.once("exit", resolve));
        // The postmaster itself, not runuser (which does not pass signals on); SIGINT is the
        // "fast" shutdown, which does not wait for clients to leave.
        const pid = Number(readFileSync(join(data, "postmaster.pid"), "utf8").split("\n")[0]);
        process.kill(pid, "SIGINT");
        await done;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
