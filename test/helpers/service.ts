/** Starts a real Glimpse service on a free port over a fresh data dir, for integration tests. */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadConfig } from "../../src/config/config.js";
import { type Service, type ServiceOptions, startService } from "../../src/server/service.js";

export interface TestService extends Service {
  dataDir: string;
  admin: Record<string, string>;
  /** Creates a project through the admin API and returns it. */
  createProject(
    id: string,
    extra?: Record<string, unknown>,
  ): Promise<{ id: string; appId: string }>;
  /** Stops the service and deletes its data dir. */
  dispose(): Promise<void>;
}

export async function startTestService(
  env: Record<string, string> = {},
  options: ServiceOptions = { flushIntervalMs: 50 },
): Promise<TestService> {
  const dataDir = mkdtempSync(join(tmpdir(), "glimpse-test-"));
  const config = loadConfig({
    PORT: "0",
    HOST: "127.0.0.1",
    GLIMPSE_DATA_DIR: dataDir,
    GLIMPSE_DEMO: "false",
    GLIMPSE_LOG_LEVEL: "warn",
    ...env,
  });
  const service = await startService(config, options);
  const admin = {
    authorization: `Bearer ${service.ctx.secrets.adminToken}`,
    "content-type": "application/json",
  };
  return {
    ...service,
    dataDir,
    admin,
    async createProject(id, extra = {}) {
      const response = await fetch(`${service.url}/api/v1/projects`, {
        method: "POST",
        headers: admin,
        body: JSON.stringify({ id, ...extra }),
      });
      if (response.status !== 201)
        throw new Error(`create project ${id}: ${response.status} ${await response.text()}`);
      return (await response.json()) as { id: string; appId: string };
    },
    async dispose() {
      await service.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Waits until the batch writer has moved everything acknowledged into the store. */
export async function settle(service: Service): Promise<void> {
  await service.writer.drain();
}

/** Counts a project's stored events straight from the store. */
export async function countEvents(service: Service, projectId: string): Promise<number> {
  const [row] = await service.ctx.store.query(
    "SELECT count(*) AS n FROM events WHERE project_id = $1",
    [projectId],
  );
  return Number(row?.n);
}
