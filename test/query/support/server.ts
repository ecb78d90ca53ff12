/**
 * A real DuckDB store and a Fastify app serving the query routes on a free port, for the API
 * tests; tokens are signed like GitLab signs them.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Fastify, { type FastifyInstance } from "fastify";
import { SignJWT } from "jose";
import { loadConfig } from "../../../src/config/config.js";
import type { StoredEvent } from "../../../src/events/event.js";
import { DuckDbProjectRepository } from "../../../src/projects/repository.js";
import { type QueryRouteOptions, registerQueryRoutes } from "../../../src/query/http/routes.js";
import type { AppContext } from "../../../src/server/context.js";
import { openDuckDb } from "../../../src/store/duckdb-database.js";
import { DuckDbStore } from "../../../src/store/duckdb-store.js";

export const API_SECRET = "query-test-secret-0123456789-abcdefghij";
export const ADMIN_TOKEN = "query-test-admin-token-0123456789";

export interface QueryServer {
  url: string;
  app: FastifyInstance;
  ctx: AppContext;
  /** A token for `projectId` as GitLab makes it (`appId` claim), valid for 180 s. */
  token(projectId: string, claims?: Record<string, unknown>, secret?: string): Promise<string>;
  /** POSTs to /cubejs-api/v1/<path> with a token for `projectId`. */
  // biome-ignore lint/suspicious/noExplicitAny: response bodies are checked by the tests' assertions
  post(path: string, projectId: string, body: unknown): Promise<{ status: number; body: any }>;
  close(): Promise<void>;
}

export async function startQueryServer(
  projects: readonly string[],
  events: readonly StoredEvent[],
  options: QueryRouteOptions = {},
): Promise<QueryServer> {
  const dataDir = mkdtempSync(join(tmpdir(), "glimpse-query-test-"));
  const instance = await openDuckDb(dataDir, { memoryLimit: "512MB" });
  const store = await DuckDbStore.open(instance);
  const repository = await DuckDbProjectRepository.open(instance);
  for (const id of projects) await repository.create({ id });
  await store.insertEvents(events);
  const ctx: AppContext = {
    config: loadConfig({ GLIMPSE_DATA_DIR: dataDir, GLIMPSE_API_SECRET: API_SECRET }),
    secrets: { adminToken: ADMIN_TOKEN, apiSecret: API_SECRET, generated: [] },
    store,
    projects: repository,
  };
  const app = Fastify({ logger: false });
  await registerQueryRoutes(app, ctx, options);
  const url = await app.listen({ port: 0, host: "127.0.0.1" });
  const token = async (
    projectId: string,
    claims: Record<string, unknown> = {},
    secret = API_SECRET,
  ) =>
    new SignJWT({ appId: projectId, iss: "gitlab", ...claims })
      .setProtectedHeader({ alg: "HS256" })
      .setIssuedAt()
      .setExpirationTime("180s")
      .sign(new TextEncoder().encode(secret));
  return {
    url,
    app,
    ctx,
    token,
    async post(path, projectId, body) {
      const response = await fetch(`${url}/cubejs-api/v1/${path}`, {
        method: "POST",
        headers: { authorization: await token(projectId), "content-type": "application/json" },
        body: JSON.stringify(body),
      });
      return { status: response.status, body: await response.json() };
    },
    async close() {
      await app.close();
      await store.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
