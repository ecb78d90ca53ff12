/**
 * The batch writer when loads fail: a store that cannot take a large load (DuckDB out of
 * memory on a backlog) gets smaller ones; a segment the store keeps rejecting is set aside so
 * the events behind it load; a store that fails everything sets nothing aside. Every event
 * lands exactly once or stays on disk.
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
const stores: DuckDbStore[] = [];
afterEach(async () => {
  for (const store of stores.splice(0)) await store.close();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A log holding `segments` sealed segments of `events` events each, and a real store. */
async function backlog(segments: number, events: number) {
  const dir = mkdtempSync(join(tmpdir(), "glimpse-batch-writer-"));
  dirs.push(dir);
  const walDir = join(dir, "wal");
  const wal = await WriteAheadLog.open(walDir, 64 * 1024 * 1024);
  const paths: string[] = [];
  let n = 0;
  for (let s = 0; s < segments; s++) {
    const records = Array.from({ length: events }, () =>
      eventToCsv(emptyEvent("shop", `e${n++}`, Date.now())),
    );
    await wal.append(records.join(""), records.length);
    paths.push((await wal.seal()).at(-1)?.path as string);
  }
  const duck = await DuckDbStore.open(await openDuckDb(dir, { memoryLimit: "256MB" }));
  stores.push(duck);
  return { walDir, wal, paths, duck, total: n };
}

/** The real store, except that `loadSegments` first goes through `check` (which may throw). */
function failing(duck: DuckDbStore, check: (paths: readonly string[]) => void): Store {
  return Object.assign(Object.create(duck) as Store, {
    loadSegments: async (paths: readonly string[]) => {
      check(paths);
      return duck.loadSegments(paths);
    },
  });
}

/** Runs a writer (quick retries) until `done()` or 60 s, stops it and closes the log. */
interface Seen {
  loaded: number;
  errors: unknown[];
  quarantined: string[];
}

async function runWriter(wal: WriteAheadLog, store: Store, done: (seen: Seen) => boolean) {
  const seen: Seen = { loaded: 0, errors: [], quarantined: [] };
  const writer = new BatchWriter(wal, store, {
    intervalMs: 20,
    maxEvents: 10_000,
    retryMs: 1,
    onLoaded: (events) => {
      seen.loaded += events;
    },
    onError: (error) => seen.errors.push(error),
    onQuarantine: (path) => seen.quarantined.push(path),
  });
  writer.start();
  const deadline = Date.now() + 60_000;
  while (!done(seen) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  await writer.stop().catch(() => {});
  return { ...seen, left: await wal.close() };
}

describe("batch writer", () => {
  it("splits a backlog the store cannot load at once into smaller loads", async () => {
    const { wal, duck, total } = await backlog(6, 50);
    // Refusing, as DuckDB does past its memory limit, any load of more than one segment.
    const sizes: number[] = [];
    const store = failing(duck, (paths) => {
      sizes.push(paths.length);
      if (paths.length > 1)
        throw new Error("Out of Memory Error: could not allocate block of size 2.0 MiB");
    });
    const seen = await runWriter(wal, store, (s) => s.loaded >= total);
    expect(seen.loaded).toBe(total);
    expect(await duck.countEvents("shop", 0, Date.now() + 1000)).toBe(total);
    expect(seen.errors.length).toBeGreaterThan(0);
    expect(sizes[0]).toBe(6);
    expect(sizes.at(-1)).toBe(1);
  }, 90_000);

  it("sets aside a segment the store keeps rejecting, and loads the ones behind it", async () => {
    const { walDir, wal, paths, duck } = await backlog(3, 20);
    const poisoned = paths[0] as string;
    // Rejecting any load that holds the first segment, as it would a file it cannot read.
    const store = failing(duck, (p) => {
      if (p.includes(poisoned)) throw new Error("Invalid Input Error: unreadable segment");
    });
    const seen = await runWriter(wal, store, (s) => s.loaded >= 40);
    expect(seen.loaded).toBe(40);
    expect(seen.quarantined).toHaveLength(1);
    const aside = seen.quarantined[0] as string;
    expect(aside).toMatch(
      new RegExp(`^${join(walDir, "quarantine")}/\\d+-${poisoned.slice(walDir.length + 1)}$`),
    );
    // Its acknowledged events are kept on disk, and load once it is moved back.
    expect(readFileSync(aside, "utf8").split("\n").length - 1).toBe(20);
    renameSync(aside, poisoned);
    expect(await duck.loadSegments([poisoned])).toBe(20);
  }, 90_000);

  it("sets nothing aside when the store fails every load (the store, not a segment, is at fault)", async () => {
    const { wal, duck } = await backlog(3, 1);
    let tries = 0;
    const store = failing(duck, () => {
      tries++;
      throw new Error("IO Error: No space left on device");
    });
    const seen = await runWriter(wal, store, () => tries >= 12);
    expect(tries).toBeGreaterThanOrEqual(12);
    expect(seen.quarantined).toEqual([]);
    expect(seen.left).toHaveLength(3);
  }, 60_000);
});
