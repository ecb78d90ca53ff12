/**
 * A project deleted while some of its events are still in the write-ahead log: those events
 * (collected before the deletion) must not land, or come back when a project of that id is
 * created again; events collected after it is created again do land.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, expect, it } from "vitest";
import { emptyEvent } from "../../src/events/event.js";
import { eventToCsv } from "../../src/events/event-csv.js";
import { openDuckDb } from "../../src/store/duckdb-database.js";
import { DuckDbStore } from "../../src/store/duckdb-store.js";

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

it("drops events of a deleted project collected before its deletion", async () => {
  const dir = mkdtempSync(join(tmpdir(), "glimpse-delete-race-"));
  dirs.push(dir);
  const store = await DuckDbStore.open(await openDuckDb(dir, { memoryLimit: "256MB" }));
  try {
    const segment = (name: string, ids: string[], at: number) => {
      const file = join(dir, name);
      writeFileSync(file, ids.map((id) => eventToCsv(emptyEvent("shop", id, at))).join(""));
      return file;
    };
    const before = Date.now() - 1000;
    expect(await store.loadSegments([segment("a.csv", ["a1", "a2"], before)])).toBe(2);
    // Collected before the deletion, still in the log when it happens.
    const late = segment("b.csv", ["b1", "b2"], before);
    await store.deleteProject("shop");
    expect(await store.loadSegments([late])).toBe(0);
    // The project is created again: what is collected from now on lands.
    const again = segment("c.csv", ["c1"], Date.now() + 1000);
    expect(await store.loadSegments([again, late])).toBe(1);
    const rows = await store.query(
      "SELECT event_id FROM events WHERE project_id = 'shop' ORDER BY 1",
    );
    expect(rows).toEqual([{ event_id: "c1" }]);
  } finally {
    await store.close();
  }
});
