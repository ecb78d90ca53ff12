/**
 * The batch writer against a store that cannot take a large load (DuckDB out of memory on a
 * backlog): it must not fail on the same load forever, but catch up in smaller loads, and every
 * event must land exactly once.
 */
import { mkdtempSync, readFileSync, renameSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { emptyEvent } from "../../src/events/event.js";
import { eventToCsv } from "../../src/events/event-csv.js";
import { BatchWriter } from "../../src/ingest/batch-writer.js";
import { WriteAheadLog } from "../../src/ingest/wal/write-ahead-log.js";
import { openDuckDb } from "../../src/store/duckdb-database.js";
import { DuckDbStore } from "../../src/store/duckdb-store.js";
import type { Store } from "../../src/store/store.js";

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe("batch writer", () => {
  it("splits a backlog the store cannot load at once into smaller loads", async () => {
    const dir = mkdtempSync(join(tmpdir(), "glimpse-batch-writer-"));
    dirs.push(dir);
    const wal = await WriteAheadLog.open(join(dir, "wal"), 64 * 1024 * 1024);
    const duck = await DuckDbStore.open(await openDuckDb(dir, { memoryLimit: "256MB" }));
    // The real store, refusing (as DuckDB does past its memory limit) any load of more than
    // one segment.
    const sizes: number[] = [];
    const store: Store = Object.assign(Object.create(duck) as Store, {
      loadSegments: async (paths: readonly string[]) => {
        sizes.push(paths.length);
        if (paths.length > 1)
          throw new Error("Out of Memory Error: could not allocate block of size 2.0 MiB");
        return duck.loadSegments(paths);
      },
    });
    // A backlog of six sealed segments.
    let n = 0;
    for (let s = 0; s < 6; s++) {
      const records = Array.from({ length: 50 }, () =>
        eventToCsv(emptyEvent("shop", `e${n++}`, Date.now())),
      );
      await wal.append(records.join(""), records.length);
      await wal.seal();
    }
    const errors: unknown[] = [];
    let loaded = 0;
    const writer = new BatchWriter(wal, store, {
      intervalMs: 20,
      maxEvents: 10_000,
      onLoaded: (events) => {
        loaded += events;
      },
      onError: (error) => errors.push(error),
      retryMs: 10,
    });
    writer.start();
    try {
      const deadline = Date.now() + 60_000;
      while (loaded < n && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    } finally {
      await writer.stop();
      await wal.close();
    }
    expect(loaded).toBe(n);
    expect(await duck.countEvents("shop", 0, Date.now() + 1000)).toBe(n);
    expect(errors.length).toBeGreaterThan(0);
    expect(sizes[0]).toBe(6);
    expect(sizes.at(-1)).toBe(1);
    await duck.close();
  }, 90_000);
});

describe("batch writer quarantine", () => {
  it("sets aside a segment the store keeps rejecting, and loads the ones behind it", async () => {
    const dir = mkdtempSync(join(tmpdir(), "glimpse-batch-writer-"));
    dirs.push(dir);
    const walDir = join(dir, "wal");
    const wal = await WriteAheadLog.open(walDir, 64 * 1024 * 1024);
    const duck = await DuckDbStore.open(await openDuckDb(dir, { memoryLimit: "256MB" }));
    let n = 0;
    const append = async () => {
      const records = Array.from({ length: 20 }, () =>
        eventToCsv(emptyEvent("shop", `e${n++}`, Date.now())),
      );
      await wal.append(records.join(""), records.length);
      return (await wal.seal()).at(-1)?.path as string;
    };
    const poisoned = await append();
    await append();
    await append();
    // The real store, rejecting any load that holds the first segment (as it would a file it
    // cannot read), while loading everything else.
    const store: Store = Object.assign(Object.create(duck) as Store, {
      loadSegments: async (paths: readonly string[]) => {
        if (paths.includes(poisoned)) throw new Error("Invalid Input Error: unreadable segment");
        return duck.loadSegments(paths);
      },
    });
    const quarantined: string[] = [];
    let loaded = 0;
    const writer = new BatchWriter(wal, store, {
      intervalMs: 20,
      maxEvents: 10_000,
      onLoaded: (events) => {
        loaded += events;
      },
      onQuarantine: (path) => quarantined.push(path),
      retryMs: 10,
    });
    writer.start();
    try {
      const deadline = Date.now() + 60_000;
      while (loaded < 40 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    } finally {
      await writer.stop();
      await wal.close();
    }
    expect(loaded).toBe(40);
    expect(quarantined).toHaveLength(1);
    expect(quarantined[0]).toMatch(
      new RegExp(`^${join(walDir, "quarantine")}/\\d+-${poisoned.slice(walDir.length + 1)}$`),
    );
    // Its acknowledged events are kept on disk, and load once it is moved back.
    expect(readFileSync(quarantined[0] as string, "utf8").split("\n").length - 1).toBe(20);
    renameSync(quarantined[0] as string, poisoned);
    expect(await duck.loadSegments([poisoned])).toBe(20);
    await duck.close();
  }, 90_000);

  it("sets nothing aside when the store fails every load (the store, not a segment, is at fault)", async () => {
    const dir = mkdtempSync(join(tmpdir(), "glimpse-batch-writer-"));
    dirs.push(dir);
    const wal = await WriteAheadLog.open(join(dir, "wal"), 64 * 1024 * 1024);
    for (let s = 0; s < 3; s++) {
      await wal.append(eventToCsv(emptyEvent("shop", `e${s}`, Date.now())), 1);
      await wal.seal();
    }
    let tries = 0;
    const broken = {
      loadSegments: async () => {
        tries++;
        throw new Error("IO Error: No space left on device");
      },
    } as unknown as Store;
    const quarantined: string[] = [];
    const writer = new BatchWriter(wal, broken, {
      intervalMs: 20,
      maxEvents: 10_000,
      onQuarantine: (path) => quarantined.push(path),
      onError: () => {},
      retryMs: 1,
    });
    writer.start();
    const deadline = Date.now() + 30_000;
    while (tries < 20 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    await writer.stop().catch(() => {});
    expect(tries).toBeGreaterThanOrEqual(20);
    expect(quarantined).toEqual([]);
    expect(await wal.close()).toHaveLength(3);
  }, 60_000);
});
