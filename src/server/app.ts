/**
 * The HTTP application: one Fastify instance serving both data paths (the collector and the
 * query API) and the admin API. Errors always answer `{"error": "..."}`; a 500 never tells
 * more than that something failed.
 */
import Fastify, { type FastifyError, type FastifyInstance, LogController } from "fastify";
import { DashboardService } from "../dashboards/dashboard-service.js";
import { registerDashboardRoutes } from "../dashboards/http/routes.js";
import type { Collector } from "../ingest/collector.js";
import { MAX_BODY_BYTES, registerCollectorRoutes } from "../ingest/http/collector-routes.js";
import type { ProjectDirectory } from "../projects/directory.js";
import { registerAdminRoutes } from "../projects/http/admin-routes.js";
import { registerQueryRoutes } from "../query/http/routes.js";
import { hasMember, loadModelFiles } from "../query/model/load-model.js";
import { ProjectModels } from "../query/model/project-models.js";
import { registerWebRoutes } from "../web/routes.js";
import type { AppContext } from "./context.js";
import { registerSdkRoutes } from "./sdk-routes.js";

export interface AppParts {
  ctx: AppContext;
  collector: Collector;
  directory: ProjectDirectory;
  /** The service's state: anything but "ok" (starting, stopping, a failed store) is a 503. */
  health: () => Health;
}

export type Health = "ok" | "starting" | "stopping" | "store failed";

export async function buildApp({
  ctx,
  collector,
  directory,
  health,
}: AppParts): Promise<FastifyInstance> {
  const app = Fastify({
    bodyLimit: MAX_BODY_BYTES,
    // No line per request: the collector's hot path must not pay for logging.
    logController: new LogController({ disableRequestLogging: true }),
    trustProxy: ctx.config.GLIMPSE_TRUST_PROXY,
    logger: {
      level: ctx.config.GLIMPSE_LOG_LEVEL,
      redact: ["req.headers.authorization", "req.headers.cookie"],
    },
  });

  app.setErrorHandler((error: FastifyError, request, reply) => {
    const status = error.statusCode ?? 500;
    if (status === 413) {
      return reply
        .code(413)
        .send({ error: `request body is over the limit of ${MAX_BODY_BYTES} bytes` });
    }
    if (status < 500) return reply.code(status).send({ error: error.message });
    request.log.error({ err: error }, "request failed");
    return reply.code(500).send({ error: "internal error" });
  });
  app.setNotFoundHandler((request, reply) =>
    reply.code(404).send({ error: `no route ${request.method} ${request.url.split("?")[0]}` }),
  );

  app.get("/healthz", async (_request, reply) =>
    health() === "ok" ? { status: "ok" } : reply.code(503).send({ status: health() }),
  );

  await registerCollectorRoutes(app, collector);
  await registerAdminRoutes(app, ctx, directory, collector);
  // One model for the query API and the dashboards' member checks (a broken model file in
  // GLIMPSE_MODEL_DIR stops the start here with its file and line), and one dashboards service,
  // whose per-commit cache also gives each project's funnel cubes to the query API.
  const models: ProjectModels = new ProjectModels(
    loadModelFiles(ctx.config.GLIMPSE_MODEL_DIR),
    (repository, ref): Promise<unknown[]> => dashboards.funnelCubes(repository, ref),
  );
  const dashboards: DashboardService = new DashboardService({
    hasMember: (name: string): boolean => hasMember(name, models.instanceModel),
  });
  await registerQueryRoutes(app, ctx, { models });
  await registerDashboardRoutes(app, ctx, { service: dashboards });
  await registerSdkRoutes(app);
  await registerWebRoutes(app, ctx);
  return app;
}
