import { join } from "node:path";
import { DuckDBInstance } from "@duckdb/node-api";
import { expect, it } from "vitest";
import { openDuckDb } from "../../src/store/duckdb-database.js";
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
