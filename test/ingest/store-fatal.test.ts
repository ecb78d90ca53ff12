/**
 * A fatal DuckDB error invalidates the database until it is opened again. The service must say
 * so (a fatal log line, /healthz 503, its onFatal hook, which makes `glimpse serve` exit 1),
 * keep acknowledging into the write-ahead log, and a restart must load every acknowledged
 * event exactly once; a fatal error in a project metadata statement must be told the same way.
 * DuckDB's own debug setting makes the next checkpoint fail fatally.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config/config.js";
import { startService } from "../../src/server/service.js";
import { FatalWatch } from "../../src/store/duckdb-database.js";
import { openStorage } from "../../src/store/open-storage.js";
import { StoreFatalError } from "../../src/store/store.js";
import { countEvents, settle, startTestService } from "../helpers/service.js";
import { batch, send } from "../helpers/tp2.js";

const fatal: StoreFatalError[] = [];
// The fatal line is expected here: kept out of the test output.
const service = await startTestService(
  { GLIMPSE_LOG_LEVEL: "silent" },
  { flushIntervalMs: 50, onFatal: (e) => fatal.push(e) },
);
let disposed = false;
afterAll(async () => {
  if (!disposed) await service.dispose().catch(() => {});
});

it("reports a fatal store error once, keeps acknowledging, and a restart loads everything", async () => {
  const { appId } = await service.createProject("shop");
  const before = batch(appId, 20);
  expect(await send(service.url, before)).toBe(true);
  await settle(service);
  expect(await countEvents(service, "shop")).toBe(20);

  // The next load's commit checkpoints, and the checkpoint fails fatally.
  await service.ctx.store.query("SET checkpoint_threshold = '1B'");
  await service.ctx.store.query("SET debug_checkpoint_abort = 'before_header'");
  const during = batch(appId, 10);
  expect(await send(service.url, during)).toBe(true);
  await expect(settle(service)).rejects.toThrow(StoreFatalError);
  await expect(countEvents(service, "shop")).rejects.toThrow(/opened again/);
  expect(fatal).toHaveLength(1);
  expect(fatal[0]?.message).toMatch(/Checkpoint aborted/);

  const health = await fetch(`${service.url}/healthz`);
  expect(health.status).toBe(503);
  expect(await health.json()).toEqual({ status: "store failed" });

  // Acknowledged into the log; the store cannot take them now.
  const after = batch(appId, 30);
  expect(await send(service.url, after)).toBe(true);
  await expect(settle(service)).rejects.toThrow(StoreFatalError);
  await expect(service.stop()).rejects.toThrow();
  expect(fatal).toHaveLength(1);

  const config = loadConfig({
    PORT: "0",
    HOST: "127.0.0.1",
    GLIMPSE_DATA_DIR: service.dataDir,
    GLIMPSE_DEMO: "false",
    GLIMPSE_LOG_LEVEL: "silent",
  });
  const restarted = await startService(config, { flushIntervalMs: 50 });
  try {
    expect(await countEvents(restarted, "shop")).toBe(60);
    const [ids] = await restarted.ctx.store.query(
      "SELECT count(DISTINCT event_id) AS n FROM events WHERE project_id = 'shop'",
    );
    expect(Number(ids?.n)).toBe(60);
  } finally {
    await restarted.stop();
    disposed = true;
    await service.dispose().catch(() => {});
  }
});

it("a fatal error in a project metadata statement is told too", async () => {
  const dataDir = mkdtempSync(join(tmpdir(), "glimpse-fatal-"));
  const storage = await openStorage(
    loadConfig({ GLIMPSE_DATA_DIR: dataDir, GLIMPSE_DEMO: "false" }),
  );
  try {
    const told: StoreFatalError[] = [];
    storage.onFatal((error) => told.push(error));
    await storage.store.query("SET checkpoint_threshold = '1B'");
    await storage.store.query("SET debug_checkpoint_abort = 'before_header'");
    await expect(storage.projects.create({ id: "shop" })).rejects.toThrow(StoreFatalError);
    expect(told).toHaveLength(1);
    await expect(storage.store.query("SELECT 1")).rejects.toBe(told[0]);
  } finally {
    await storage.close().catch(() => {});
    rmSync(dataDir, { recursive: true, force: true });
  }
});

describe("FatalWatch", () => {
  it("passes other errors through, even ones that quote DuckDB's fatal wording", () => {
    const watch = new FatalWatch();
    for (const quoted of [
      "FATAL Error: database has been invalidated",
      'Database "glimpse" has been invalidated',
    ]) {
      const quoting = new Error(`Conversion Error: Could not convert string '${quoted}' to DOUBLE`);
      expect(watch.check(quoting)).toBe(quoting);
    }
    expect(watch.check("not an Error")).toBe("not an Error");
  });

  it("tells each listener once, a late one at once, and keeps the first error", () => {
    const watch = new FatalWatch();
    const early: StoreFatalError[] = [];
    watch.onFatal((e) => early.push(e));
    const first = watch.check(new Error("FATAL Error: Failed to create checkpoint"));
    expect(first).toBeInstanceOf(StoreFatalError);
    expect(watch.check(new Error("FATAL Error: Failed: database has been invalidated"))).toBe(
      first,
    );
    const late: StoreFatalError[] = [];
    watch.onFatal((e) => late.push(e));
    expect(early).toEqual([first]);
    expect(late).toEqual([first]);
  });
});
