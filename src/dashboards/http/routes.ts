/**
 * The dashboards API: a project's dashboards (built-in and from its repository), each resolved
 * to runnable Cube queries, its visualizations and funnels, and the JSON Schemas editors use.
 * `?ref=` reads another ref, or `WORKTREE` to preview uncommitted files.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { AppContext } from "../../server/context.js";
import type { HasMember } from "../check-members.js";
import type { CatalogResult } from "../dashboard-service.js";
import { DashboardService } from "../dashboard-service.js";
import { builtInModelHasMember } from "../data-model.js";
import { isSafeRef } from "../git.js";
import { isSafeName } from "../layout.js";
import { isSchemaName, SCHEMAS } from "../schemas/index.js";
import { WORKTREE } from "../source-files.js";
import { projectAccess } from "./project-access.js";
import {
  dashboardDetail,
  dashboardSummary,
  diagnosticView,
  funnelView,
  visualizationView,
} from "./views.js";

export interface DashboardRoutesOptions {
  /** The data model's members (default: the built-in model); null skips member checks. */
  hasMember?: HasMember | null;
  /** Share a service (and its cache) with other callers; one is made otherwise. */
  service?: DashboardService;
}

type ProjectRequest = FastifyRequest<{ Params: { id: string }; Querystring: { ref?: string } }>;

export async function registerDashboardRoutes(
  app: FastifyInstance,
  ctx: AppContext,
  options: DashboardRoutesOptions = {},
): Promise<void> {
  const hasMember = options.hasMember === undefined ? builtInModelHasMember : options.hasMember;
  const service = options.service ?? new DashboardService({ hasMember });

  /** Authorises, finds the project and loads its catalog; null when a reply was sent. */
  const load = async (
    request: ProjectRequest,
    reply: FastifyReply,
  ): Promise<CatalogResult | null> => {
    const { id } = request.params;
    const access = await projectAccess(request, id, ctx.secrets, ctx.projects);
    if (!access.ok) {
      await reply.code(access.status).send({ error: access.error });
      return null;
    }
    const project = await ctx.projects.get(id);
    if (!project) {
      await reply.code(404).send({ error: `no project ${id}` });
      return null;
    }
    const ref = request.query.ref ?? project.dashboardsRef;
    if (ref !== null && ref !== WORKTREE && !isSafeRef(ref)) {
      await reply.code(400).send({ error: `ref: ${JSON.stringify(ref)} is not a valid git ref` });
      return null;
    }
    return service.catalog(project.repository, ref);
  };

  const header = (result: CatalogResult) => ({
    commit: result.catalog.revision,
    repositoryError: result.repositoryError,
    errors: result.catalog.errors.map(diagnosticView),
  });

  app.get("/api/v1/projects/:id/dashboards", async (request: ProjectRequest, reply) => {
    const result = await load(request, reply);
    if (!result) return reply;
    return { ...header(result), dashboards: result.catalog.dashboards.map(dashboardSummary) };
  });

  app.get(
    "/api/v1/projects/:id/dashboards/:dashboard",
    async (
      request: FastifyRequest<{
        Params: { id: string; dashboard: string };
        Querystring: { ref?: string };
      }>,
      reply,
    ) => {
      const name = request.params.dashboard;
      const result = await load(request, reply);
      if (!result) return reply;
      const found = isSafeName(name)
        ? result.catalog.dashboards.find((d) => d.id === name)
        : undefined;
      if (!found) return reply.code(404).send({ error: `no dashboard ${name}` });
      if (!found.definition) {
        return reply.code(422).send({
          error: `dashboard ${name} has errors`,
          errors: found.errors.map(diagnosticView),
        });
      }
      return dashboardDetail(found, result.catalog);
    },
  );

  app.get("/api/v1/projects/:id/visualizations", async (request: ProjectRequest, reply) => {
    const result = await load(request, reply);
    if (!result) return reply;
    return {
      ...header(result),
      visualizations: result.catalog.visualizations.map(visualizationView),
    };
  });

  app.get("/api/v1/projects/:id/funnels", async (request: ProjectRequest, reply) => {
    const result = await load(request, reply);
    if (!result) return reply;
    return { ...header(result), funnels: result.catalog.funnels.map(funnelView) };
  });

  // Public: editors (the YAML language server) fetch these without credentials.
  app.get(
    "/schemas/:file",
    async (request: FastifyRequest<{ Params: { file: string } }>, reply) => {
      const name = request.params.file.replace(/\.json$/, "");
      if (!request.params.file.endsWith(".json") || !isSchemaName(name)) {
        return reply.code(404).send({ error: `no schema ${request.params.file}` });
      }
      return reply.type("application/schema+json").send(JSON.stringify(SCHEMAS[name], null, 2));
    },
  );
}
