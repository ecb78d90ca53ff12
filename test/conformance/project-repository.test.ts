/**
 * Project metadata on both repositories — DuckDB in the data dir and shared PostgreSQL — through
 * one suite: create, conflicts, update, key rotation, rejected events, delete; and for
 * PostgreSQL, two processes' repositories seeing each other's changes.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { missingServers } from "../../src/devservers/available.js";
import { type PostgresServer, startPostgres } from "../../src/devservers/postgres.js";
import { PostgresProjectRepository } from "../../src/projects/postgres-repository.js";
import {
  DuckDbProjectRepository,
  ProjectExistsError,
  type ProjectRepository,
} from "../../src/projects/repository.js";
import { openDuckDb } from "../../src/store/duckdb-database.js";

interface Opened {
  repo: ProjectRepository;
  /** A second repository on the same metadata (another process), where that exists. */
  other: ProjectRepository | null;
  dispose(): Promise<void>;
}

const KINDS = [
  {
    name: "duckdb",
    skip: null as string | null,
    async open(): Promise<Opened> {
      const dir = mkdtempSync(join(tmpdir(), "glimpse-repo-"));
      const instance = await openDuckDb(dir, { memoryLimit: "256MB" });
      return {
        repo: await DuckDbProjectRepository.open(instance),
        other: null,
        async dispose() {
          instance.closeSync();
          rmSync(dir, { recursive: true, force: true });
        },
      };
    },
  },
  {
    name: "postgres",
    skip: missingServers(),
    async open(): Promise<Opened> {
      const server: PostgresServer = await startPostgres();
      // Two processes starting together both create the schema.
      const [repo, other] = await Promise.all([
        PostgresProjectRepository.open(server.url),
        PostgresProjectRepository.open(server.url),
      ]);
      return {
        repo,
        other,
        async dispose() {
          await repo.close();
          await other.close();
          await server.dispose();
        },
      };
    },
  },
];

describe.each(KINDS)("$name project repository", (kind) => {
  let opened: Opened;
  beforeAll(async () => {
    if (!kind.skip) opened = await kind.open();
  });
  afterAll(async () => opened?.dispose());

  describe.skipIf(kind.skip !== null)(
    `projects${kind.skip ? ` (skipped: ${kind.skip})` : ""}`,
    () => {
      it("creates, refuses a second of the same id, lists and gets", async () => {
        const { repo } = opened;
        const created = await repo.create({ id: "alpha", name: "Alpha", repository: "/srv/dash" });
        expect(created).toMatchObject({
          id: "alpha",
          name: "Alpha",
          repository: "/srv/dash",
          dashboardsRef: null,
        });
        expect(created.appId).toMatch(/^[A-Za-z0-9_-]{24}$/);
        expect(Date.parse(created.createdAt)).toBeGreaterThan(Date.now() - 60_000);
        await expect(repo.create({ id: "alpha" })).rejects.toBeInstanceOf(ProjectExistsError);
        await repo.create({ id: "beta" });
        expect((await repo.list()).map((p) => p.id)).toEqual(["alpha", "beta"]);
        expect(await repo.get("alpha")).toEqual(created);
        expect(await repo.get("nope")).toBeNull();
      });

      it("updates, rotates the key, files rejected events, deletes", async () => {
        const { repo } = opened;
        const before = (await repo.get("beta"))?.appId;
        expect(await repo.update("beta", { name: "B", dashboardsRef: "main" })).toMatchObject({
          name: "B",
          dashboardsRef: "main",
        });
        expect(await repo.update("nope", { name: "x" })).toBeNull();
        const rotated = await repo.rotateAppId("beta");
        expect(rotated?.appId).not.toBe(before);
        const at = "2024-03-01T10:00:00.000Z";
        await repo.addRejected([
          { projectId: "beta", receivedAt: at, reason: "bad", payload: "{}" },
          {
            projectId: "beta",
            receivedAt: "2024-03-01T11:00:00.000Z",
            reason: "worse",
            payload: "[]",
          },
        ]);
        expect((await repo.listRejected("beta", 10)).map((r) => r.reason)).toEqual([
          "worse",
          "bad",
        ]);
        expect((await repo.listRejected("beta", 1))[0]?.receivedAt).toBe(
          "2024-03-01T11:00:00.000Z",
        );
        expect(await repo.delete("beta")).toBe(true);
        expect(await repo.delete("beta")).toBe(false);
        expect(await repo.listRejected("beta", 10)).toEqual([]);
      });

      it.skipIf(kind.name === "duckdb")(
        "is shared by processes (DuckDB: one process holds the data dir, nothing to share)",
        async () => {
          const other = opened.other as ProjectRepository;
          const made = await opened.repo.create({ id: "shared" });
          expect((await other.get("shared"))?.appId).toBe(made.appId);
          await expect(other.create({ id: "shared" })).rejects.toBeInstanceOf(ProjectExistsError);
          await other.delete("shared");
          expect(await opened.repo.get("shared")).toBeNull();
        },
      );
    },
  );
});
