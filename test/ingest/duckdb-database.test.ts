/**
 * The data dir's database file is attached with a row group size and a storage version of its
 * own (see duckdb-database.ts): every connection must see it as its default database, and a
 * file an earlier Glimpse wrote with DuckDB's defaults must open with its rows. The store
 * keeps its query connections for reuse.
 */
import { join } from "node:path";
import { DuckDBInstance } from "@duckdb/node-api";
import { expect, it } from "vitest";
import { emptyEvent } from "../../src/events/event.js";
import { openDuckDb, ROW_GROUP_SIZE } from "../../src/store/duckdb-database.js";
import { DuckDbStore } from "../../src/store/duckdb-store.js";
import { tempDirs } from "../helpers/temp-dirs.js";

const freshDir = tempDirs("glimpse-duckdb-");

it("opens a file written with DuckDB's defaults, keeps its rows and adds row groups of 16,384", async () => {
  const dir = freshDir();
  const earlier = await DuckDBInstance.create(join(dir, "glimpse.duckdb"));
  const writer = await earlier.connect();
  await writer.run("CREATE TABLE t AS SELECT range AS i FROM range(200000)");
  writer.closeSync();
  earlier.closeSync();

  const db = await openDuckDb(dir, { memoryLimit: "256MB" });
  try {
    const connection = await db.connect();
    const before = await connection.runAndReadAll("SELECT count(*), sum(i) FROM t");
    expect(before.getRows()).toEqual([[200_000n, 19_999_900_000n]]);
    await connection.run("CREATE TABLE u AS SELECT range AS i FROM range(50000)");
    const groups = await connection.runAndReadAll(
      "SELECT max(row_group_id) + 1 FROM pragma_storage_info('u')",
    );
    expect(groups.getRows()).toEqual([[4n]]);
    // A second connection sees the same default database.
    const other = await db.connect();
    const count = await other.runAndReadAll("SELECT count(*) FROM u");
    expect(count.getRows()).toEqual([[50_000n]]);
    other.closeSync();
    connection.closeSync();
  } finally {
    db.closeSync();
  }

  const again = await openDuckDb(dir, { memoryLimit: "256MB" });
  try {
    const connection = await again.connect();
    const after = await connection.runAndReadAll(
      "SELECT (SELECT count(*) FROM t), (SELECT count(*) FROM u)",
    );
    expect(after.getRows()).toEqual([[200_000n, 50_000n]]);
    connection.closeSync();
  } finally {
    again.closeSync();
  }
});

it("the store's queries run side by side on reused connections, and none runs after close", async () => {
  const store = await DuckDbStore.open(await openDuckDb(freshDir(), { memoryLimit: "256MB" }));
  const results = await Promise.all(
    Array.from({ length: 20 }, (_, i) => store.query("SELECT $1::INTEGER * 2 AS n", [i])),
  );
  expect(results.map((rows) => Number(rows[0]?.n))).toEqual(
    Array.from({ length: 20 }, (_, i) => i * 2),
  );
  // A failed query does not spoil the connections for the next ones.
  await expect(store.query("SELECT * FROM no_such_table")).rejects.toThrow(/no_such_table/);
  expect(await store.query("SELECT count(*) AS n FROM events")).toEqual([{ n: "0" }]);
  await store.close();
  await expect(store.query("SELECT 1")).rejects.toThrow(/closed/);
});

it("deleting a project merges the row groups its events were spread over", async () => {
  const dir = freshDir();
  const store = await DuckDbStore.open(await openDuckDb(dir, { memoryLimit: "256MB" }));
  try {
    // Two projects' events interleaved over twelve loads of ~1.1 row groups each, checkpointed.
    for (let load = 0; load < 12; load++) {
      const events = Array.from({ length: 18_000 }, (_, i) =>
        emptyEvent(
          i % 2 === 0 ? "keep" : "gone",
          `00000000-0000-4000-8000-${String(load * 18_000 + i).padStart(12, "0")}`,
          1_700_000_000_000 + i,
        ),
      );
      await store.insertEvents(events);
    }
    await store.query("CHECKPOINT");
    await store.deleteProject("gone");
    // What the file holds, deleted rows included, against what is live: DuckDB merges row
    // groups whose rows fit in fewer, so at most about one row group's worth is left over.
    const [stored] = await store.query(
      `SELECT sum(count)::INTEGER AS n FROM pragma_storage_info('events')
       WHERE column_name = 'event_id' AND segment_type <> 'VALIDITY'`,
    );
    const [live] = await store.query("SELECT count(*)::INTEGER AS n FROM events");
    expect(live?.n).toBe(108_000);
    expect(Number(stored?.n)).toBeLessThanOrEqual(108_000 + ROW_GROUP_SIZE);
  } finally {
    await store.close();
  }
});
