/**
 * Nothing acknowledged is lost, nothing is stored twice: the real `glimpse serve` process is
 * killed with SIGKILL in the middle of a load, twice, restarted over the same data dir, and the
 * store must then hold every acknowledged event exactly once — including events that clients
 * re-send because they never saw an answer. Once with batches, and once with single events,
 * whose small writes go to zero-filled log segments (write-ahead-log.ts).
 */
import type { ChildProcess } from "node:child_process";
import { closeSync, mkdtempSync, openSync, readdirSync, readSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, expect, it } from "vitest";
import { openDuckDb } from "../../src/store/duckdb-database.js";
import { type ServeProcess, serveProcess } from "../helpers/serve-process.js";
import { batch, type SentEvent, send } from "../helpers/tp2.js";

const TOKEN = "crash-test-admin-token-0123456789";
const dataDirs: string[] = [];
const children: ChildProcess[] = [];

afterAll(() => {
  for (const child of children) child.kill("SIGKILL");
  for (const dir of dataDirs) rmSync(dir, { recursive: true, force: true });
});

function serve(dataDir: string): Promise<ServeProcess> {
  const started = serveProcess({ GLIMPSE_DATA_DIR: dataDir, GLIMPSE_ADMIN_TOKEN: TOKEN });
  void started.then(
    (s) => children.push(s.child),
    () => {},
  );
  return started;
}

const exited = (child: ChildProcess) => new Promise((resolve) => child.once("exit", resolve));

/** Clients sending `size`-event requests until `stop` resolves; returns the acknowledged events. */
async function load(
  url: string,
  appId: string,
  size: number,
  stop: Promise<unknown>,
  unacknowledged: SentEvent[][],
) {
  const acknowledged: SentEvent[] = [];
  let stopped = false;
  void stop.then(() => {
    stopped = true;
  });
  const client = async () => {
    while (!stopped) {
      const events = batch(appId, size);
      if (await send(url, events)) acknowledged.push(...events);
      else unacknowledged.push(events);
    }
  };
  await Promise.all(Array.from({ length: 8 }, client));
  return acknowledged;
}

/** Zero-filled log segments (`*.z.csv`) in `wal` that hold events: their first byte is not 0. */
function zeroFilledWithEvents(wal: string): number {
  let count = 0;
  for (const name of readdirSync(wal).filter((n) => n.endsWith(".z.csv"))) {
    const fd = openSync(join(wal, name), "r");
    const first = Buffer.alloc(1);
    try {
      if (readSync(fd, first, 0, 1, 0) === 1 && first[0] !== 0) count++;
    } finally {
      closeSync(fd);
    }
  }
  return count;
}

/** Resolves once `ready()` holds (checked every 50 ms), or after `deadlineMs` regardless. */
async function until(ready: () => boolean, deadlineMs: number): Promise<void> {
  const deadline = Date.now() + deadlineMs;
  while (!ready() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
}

/**
 * Kills the service at each of `kills` (a delay in ms, or "zero-filled": once a zero-filled log
 * segment holds events), restarts it, lets clients re-send, and checks the store. Returns at
 * how many kills a zero-filled log segment held events (left for recovery to read).
 */
async function crashAndCheck(size: number, kills: Array<number | "zero-filled">): Promise<number> {
  const dataDir = mkdtempSync(join(tmpdir(), "glimpse-crash-"));
  dataDirs.push(dataDir);
  const wal = join(dataDir, "wal");
  let zeroFilled = 0;
  let service = await serve(dataDir);
  const created = await fetch(`${service.url}/api/v1/projects`, {
    method: "POST",
    headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" },
    body: JSON.stringify({ id: "crash" }),
  });
  const { appId } = (await created.json()) as { appId: string };
  const acknowledged: SentEvent[] = [];
  const unacknowledged: SentEvent[][] = [];

  for (const kill of kills) {
    const killed = (
      kill === "zero-filled"
        ? until(() => zeroFilledWithEvents(wal) > 0, 20_000)
        : new Promise((resolve) => setTimeout(resolve, kill))
    ).then(() => {
      service.child.kill("SIGKILL");
      return exited(service.child);
    });
    acknowledged.push(...(await load(service.url, appId, size, killed, unacknowledged)));
    await killed;
    if (zeroFilledWithEvents(wal) > 0) zeroFilled++;
    service = await serve(dataDir);
  }
  expect(acknowledged.length).toBeGreaterThan(1000);

  // Clients re-send what they never saw acknowledged, and some of what they did.
  const resent = [...unacknowledged, acknowledged.slice(0, 50)];
  for (const events of resent) expect(await send(service.url, events)).toBe(true);
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
    const expected = new Set([...acknowledged, ...unacknowledged.flat()].map((e) => e.eid));
    expect(n).toBe(expected.size); // every acknowledged (and every re-sent) event, once

    const stored = await connection.runAndReadAll(
      "SELECT event_id FROM events WHERE project_id = 'crash'",
    );
    const storedIds = new Set(stored.getRows().map((row) => String(row[0])));
    const missing = acknowledged.map((e) => e.eid).filter((id) => !storedIds.has(id));
    expect(missing).toEqual([]);
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
  return zeroFilled;
}

it("keeps every acknowledged event exactly once across SIGKILLs and client re-sends", async () => {
  await crashAndCheck(25, [1200, 700]);
}, 120_000);

it("does so with single events, killed while a zero-filled log segment holds some", async () => {
  // After a segment of many small writes the next is zero-filled (a few seconds into a run).
  expect(await crashAndCheck(1, ["zero-filled", "zero-filled"])).toBe(2);
}, 120_000);
