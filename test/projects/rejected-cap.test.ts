/** The dead-letter table keeps the newest rows of each project, whoever sends bad events. */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect, it } from "vitest";
import {
  DuckDbProjectRepository,
  MAX_REJECTED_PER_PROJECT,
} from "../../src/projects/repository.js";
import { openDuckDb } from "../../src/store/duckdb-database.js";

it("keeps at most MAX_REJECTED_PER_PROJECT rows per project, dropping the oldest", async () => {
  const dir = mkdtempSync(join(tmpdir(), "glimpse-rejected-"));
  const instance = await openDuckDb(dir);
  try {
    const repository = await DuckDbProjectRepository.open(instance);
    const start = Date.UTC(2026, 0, 1);
    const row = (project: string, i: number) => ({
      projectId: project,
      receivedAt: new Date(start + i * 1000).toISOString(),
      reason: `bad ${i}`,
      payload: "{}",
    });
    const total = MAX_REJECTED_PER_PROJECT + 500;
    for (let i = 0; i < total; i += 1000) {
      const n = Math.min(1000, total - i);
      await repository.addRejected(Array.from({ length: n }, (_, k) => row("a", i + k)));
    }
    await repository.addRejected([row("b", 0)]);
    const newest = await repository.listRejected("a", 1);
    expect(newest[0]?.reason).toBe(`bad ${total - 1}`);
    const kept = await repository.listRejected("a", MAX_REJECTED_PER_PROJECT + 100);
    expect(kept).toHaveLength(MAX_REJECTED_PER_PROJECT);
    expect(kept.at(-1)?.reason).toBe(`bad ${total - MAX_REJECTED_PER_PROJECT}`);
    expect(await repository.listRejected("b", 10)).toHaveLength(1);
  } finally {
    instance.closeSync();
    rmSync(dir, { recursive: true, force: true });
  }
});
