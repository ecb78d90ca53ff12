/**
 * Nothing acknowledged is lost, nothing is stored twice: the real `glimpse serve` process is
 * killed with SIGKILL in the middle of a load, twice, restarted over the same data dir, and the
 * store must then hold every acknowledged event exactly once — including events that clients
 * re-send because they never saw an answer.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, expect, it } from "vitest";
import { openDuckDb } from "../../src/store/duckdb-database.js";
import { send } from "../helpers/tp2.js";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const TOKEN = "crash-test-admin-token-0123456789";
const dataDir = mkdtempSync(join(tmpdir(), "glimpse-crash-"));
const children: ChildProcess[] = [];

afterAll(() => {
  for (const child of children) child.kill("SIGKILL");
  rmSync(dataDir, { recursive: true, force: true });
});

function serve(): Promise<{ child: ChildProcess; url: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ["bin/glimpse.cjs", "serve", "--port", "0", "--host", "127.0.0.1"],
      {
        cwd: ROOT,
        env: {
          ...process.env,
          GLIMPSE_DATA_DIR: dataDir,
          GLIMPSE_DEMO: "false",
          GLIMPSE_ADMIN_TOKEN: TOKEN,
        },
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    children.push(child);
    let output = "";
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /Glimpse listening on (http:\/\/\S+)/.exec(output);
      if (match?.[1]) resolve({ child, url: match[1] });
    };
    child.stdout?.on("data", onData);
    child.stderr?.on("data", onData);
    child.once("exit", (code) =>
      reject(new Error(`serve exited (${code}) before listening: ${output}`)),
    );
  });
}

const exited = (child: ChildProcess) => new Promise((resolve) => child.once("exit", resolve));

function batch(appId: string, size: number) {
  return Array.from({ length: size }, () => ({
    e: "pv",
    eid: randomUUID(),
    aid: appId,
    url: "https://crash.example/",
  }));
}

/** Clients sending batches until `stop` resolves; returns the ids of acknowledged events. */
async function load(
  url: string,
  appId: string,
  stop: Promise<unknown>,
  unacknowledged: string[][],
) {
  const acknowledged: string[] = [];
  let stopped = false;
  void stop.then(() => {
    stopped = true;
  });
  const client = async () => {
    while (!stopped) {
      const events = batch(appId, 25);
      if (await send(url, events)) acknowledged.push(...events.map((e) => e.eid));
      else unacknowledged.push(events.map((e) => e.eid));
    }
  };
  await Promise.all(Array.from({ length: 8 }, client));
  return acknowledged;
}

it("keeps every acknowledged event exactly once across SIGKILLs and client re-sends", async () => {
  let service = await serve();
  const created = await fetch(`${service.url}/api/v1/projects`, {
    method: "POST",
    headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" },
    body: JSON.stringify({ id: "crash" }),
  });
  const { appId } = (await created.json()) as { appId: string };
  const acknowledged: string[] = [];
  const unacknowledged: string[][] = [];

  for (const killAfterMs of [1200, 700]) {
    const killed = new Promise((resolve) => setTimeout(resolve, killAfterMs)).then(() => {
      service.child.kill("SIGKILL");
      return exited(service.child);
    });
    acknowledged.push(...(await load(service.url, appId, killed, unacknowledged)));
    await killed;
    service = await serve();
  }
  expect(acknowledged.length).toBeGreaterThan(1000);

  // Clients re-send what they never saw acknowledged, and some of what they did.
  const resent = [...unacknowledged, acknowledged.slice(0, 50)];
  for (const ids of resent) {
    const events = ids.map((eid) => ({ e: "pv", eid, aid: appId, url: "https://crash.example/" }));
    expect(await send(service.url, events)).toBe(true);
  }
  service.child.kill("SIGTERM");
  expect(await exited(service.child)).toBe(0);

  const instance = await openDuckDb(dataDir);
  const connection = await instance.connect();
  try {
    const reader = await connection.runAndReadAll(
      "SELECT count(*)::INTEGER AS n, count(DISTINCT event_id)::INTEGER AS ids FROM events WHERE project_id = 'crash'",
    );
    const [{ n, ids } = { n: -1, ids: -1 }] = reader.getRowObjectsJson() as Array<{
      n: number;
      ids: number;
    }>;
    expect(n).toBe(ids); // nothing stored twice
    const expected = new Set([...acknowledged, ...unacknowledged.flat()]);
    expect(n).toBe(expected.size); // every acknowledged (and every re-sent) event, once

    const stored = await connection.runAndReadAll(
      "SELECT event_id FROM events WHERE project_id = 'crash'",
    );
    const storedIds = new Set(stored.getRows().map((row) => String(row[0])));
    const missing = acknowledged.filter((id) => !storedIds.has(id));
    expect(missing).toEqual([]);
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}, 120_000);
