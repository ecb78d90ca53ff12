/**
 * Scale-out: two `glimpse serve` processes on different ports, stateless collectors and query
 * nodes sharing one ClickHouse (events) and one PostgreSQL (projects, keys). A project created
 * through one is served by both; a client re-sending a batch to the other node does not double
 * it; both answer the same figures; a project deleted through one is gone for both.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { missingServers } from "../../src/devservers/available.js";
import { type ClickHouseServer, startClickHouse } from "../../src/devservers/clickhouse.js";
import { type PostgresServer, startPostgres } from "../../src/devservers/postgres.js";
import { type ServeProcess, serveProcess } from "../helpers/serve-process.js";
import { batch, load, send } from "./support/snowplow.js";

const ADMIN = "scale-out-admin-token-0123456789";
const API_SECRET = "scale-out-api-secret-0123456789abcdefgh";
const skip = missingServers();

interface Node extends ServeProcess {
  dataDir: string;
}

async function serve(env: Record<string, string>): Promise<Node> {
  const dataDir = mkdtempSync(join(tmpdir(), "glimpse-node-"));
  const started = await serveProcess({
    ...env,
    GLIMPSE_DATA_DIR: dataDir,
    GLIMPSE_ADMIN_TOKEN: ADMIN,
    GLIMPSE_API_SECRET: API_SECRET,
  });
  return { ...started, dataDir };
}

async function admin(node: Node, method: string, path: string, body?: unknown) {
  const response = await fetch(`${node.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${ADMIN}`, "content-type": "application/json" },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return {
    status: response.status,
    body: (await response.json().catch(() => null)) as Record<string, string>,
  };
}

describe.skipIf(skip !== null)(
  `two service processes, one ClickHouse, one PostgreSQL${skip ? ` (skipped: ${skip})` : ""}`,
  () => {
    let clickhouse: ClickHouseServer;
    let postgres: PostgresServer;
    const nodes: Node[] = [];

    beforeAll(async () => {
      [clickhouse, postgres] = await Promise.all([startClickHouse(), startPostgres()]);
      const env = {
        GLIMPSE_STORE: "clickhouse",
        CLICKHOUSE_URL: clickhouse.url,
        CLICKHOUSE_DATABASE_PREFIX: "gitlab_project_",
        DATABASE_URL: postgres.url,
      };
      nodes.push(...(await Promise.all([serve(env), serve(env)])));
    }, 60_000);
    afterAll(async () => {
      await Promise.all(
        nodes.map(async (n) => {
          const exited = new Promise((r) => n.child.once("exit", r));
          n.child.kill("SIGTERM");
          await exited;
          rmSync(n.dataDir, { recursive: true, force: true });
        }),
      );
      await Promise.all([clickhouse?.dispose(), postgres?.dispose()]);
    });

    it("shares projects, events and answers", async () => {
      const [a, b] = nodes as [Node, Node];
      expect(new URL(a.url).port).not.toBe(new URL(b.url).port);
      const created = await admin(a, "POST", "/api/v1/projects", { id: "shared" });
      expect(created.status).toBe(201);
      const appId = created.body.appId as string;
      // B knows the project at once (its directory reloads on an unknown key).
      expect((await admin(b, "GET", "/api/v1/projects/shared")).body.appId).toBe(appId);
      expect((await clickhouse.sql("SHOW DATABASES")).split("\n")).toContain(
        "gitlab_project_shared",
      );

      const sent: string[] = [];
      await Promise.all(
        Array.from({ length: 6 }, async (_, client) => {
          for (let i = 0; i < 15; i++) {
            const events = batch(appId, 50);
            const node = (client + i) % 2 === 0 ? a : b;
            expect(await send(node.url, events)).toBe(true);
            sent.push(...events.map((e) => e.eid));
            // A client that saw no answer re-sends to whichever node the balancer picks.
            if (i % 5 === 0) expect(await send(node === a ? b.url : a.url, events)).toBe(true);
          }
        }),
      );
      const query = {
        measures: ["TrackedEvents.count"],
        segments: ["TrackedEvents.includingBots"],
      };
      const deadline = Date.now() + 30_000;
      let counts: number[] = [];
      while (Date.now() < deadline) {
        counts = await Promise.all(
          [a, b].map(async (n) =>
            Number(
              (await load(n.url, "shared", API_SECRET, query)).body.data?.[0]?.[
                "TrackedEvents.count"
              ],
            ),
          ),
        );
        if (counts.every((c) => c >= sent.length)) break;
        await new Promise((r) => setTimeout(r, 250));
      }
      expect(counts).toEqual([sent.length, sent.length]);
      const ids = new Set(
        (await clickhouse.sql("SELECT event_id FROM gitlab_project_shared.events FINAL"))
          .trim()
          .split("\n"),
      );
      expect(ids.size).toBe(sent.length);
      expect(sent.filter((id) => !ids.has(id))).toEqual([]);

      expect((await admin(b, "DELETE", "/api/v1/projects/shared")).status).toBeLessThan(300);
      expect((await admin(a, "GET", "/api/v1/projects/shared")).status).toBe(404);
      expect((await clickhouse.sql("SHOW DATABASES")).split("\n")).not.toContain(
        "gitlab_project_shared",
      );
    }, 90_000);
  },
);
