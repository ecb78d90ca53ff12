/**
 * The admin API for projects, and GitLab's configurator calls (`/setup-project`, `/usage`),
 * all behind the admin credential.
 */
import type { FastifyInstance, FastifyReply } from "fastify";
import { z } from "zod";
import type { Collector } from "../../ingest/collector.js";
import { requireAdmin } from "../../server/admin-auth.js";
import type { AppContext } from "../../server/context.js";
import type { ProjectDirectory } from "../directory.js";
import { PROJECT_ID } from "../project.js";
import { ProjectExistsError } from "../repository.js";

const CREATE_BODY = z.strictObject({
  id: PROJECT_ID,
  name: z.string().min(1).max(200).optional(),
  repository: z.string().min(1).max(4096).nullable().optional(),
});

const UPDATE_BODY = z.strictObject({
  name: z.string().min(1).max(200).optional(),
  repository: z.string().min(1).max(4096).nullable().optional(),
  dashboardsRef: z.string().min(1).max(255).nullable().optional(),
});

function badRequest(reply: FastifyReply, error: z.ZodError) {
  const issue = error.issues[0];
  const where = issue?.path.length ? `${issue.path.join(".")}: ` : "";
  return reply.code(400).send({ error: `${where}${issue?.message ?? "invalid request"}` });
}

/** Validates a project id from the URL; answers 400 naming the rule when it is malformed. */
function projectId(reply: FastifyReply, raw: string): string | null {
  const parsed = PROJECT_ID.safeParse(raw);
  if (!parsed.success) {
    void badRequest(reply, parsed.error);
    return null;
  }
  return parsed.data;
}

export async function registerAdminRoutes(
  app: FastifyInstance,
  ctx: AppContext,
  directory: ProjectDirectory,
  collector: Pick<Collector, "flush">,
): Promise<void> {
  const { projects, store } = ctx;
  await app.register(async (scope) => {
    // onRequest, before the body is parsed: a request without the credential gets 401 whatever
    // its body, and nothing of it is read.
    scope.addHook("onRequest", requireAdmin(ctx.secrets.adminToken));
    // Clients (GitLab's configurator among them) send bodiless POSTs and DELETEs with
    // `content-type: application/json`; an empty body means "no fields", not a 400.
    const json = scope.getDefaultJsonParser("error", "error");
    scope.removeContentTypeParser("application/json");
    scope.addContentTypeParser("application/json", { parseAs: "string" }, (request, body, done) =>
      String(body).trim() === "" ? done(null, undefined) : json(request, body as string, done),
    );

    scope.get("/api/v1/projects", async () => ({ projects: await projects.list() }));

    scope.post("/api/v1/projects", async (request, reply) => {
      const body = CREATE_BODY.safeParse(request.body ?? {});
      if (!body.success) return badRequest(reply, body.error);
      try {
        const project = await projects.create(body.data);
        directory.invalidate();
        return reply.code(201).send(project);
      } catch (error) {
        if (error instanceof ProjectExistsError)
          return reply.code(409).send({ error: error.message });
        throw error;
      }
    });

    scope.get<{ Params: { id: string } }>("/api/v1/projects/:id", async (request, reply) => {
      const id = projectId(reply, request.params.id);
      if (!id) return reply;
      const project = await projects.get(id);
      return project ?? reply.code(404).send({ error: `project ${id} not found` });
    });

    scope.patch<{ Params: { id: string } }>("/api/v1/projects/:id", async (request, reply) => {
      const id = projectId(reply, request.params.id);
      if (!id) return reply;
      const body = UPDATE_BODY.safeParse(request.body ?? {});
      if (!body.success) return badRequest(reply, body.error);
      const changes = Object.fromEntries(
        Object.entries(body.data).filter(([, v]) => v !== undefined),
      );
      const project = await projects.update(id, changes);
      return project ?? reply.code(404).send({ error: `project ${id} not found` });
    });

    scope.delete<{ Params: { id: string } }>("/api/v1/projects/:id", async (request, reply) => {
      const id = projectId(reply, request.params.id);
      if (!id) return reply;
      if (!(await projects.get(id)))
        return reply.code(404).send({ error: `project ${id} not found` });
      // Drop the key first so nothing new arrives for the project while its events go.
      await projects.delete(id);
      directory.invalidate();
      // Events acknowledged but still in the write-ahead log would be loaded after the delete
      // and outlive the project: load them first, then delete everything.
      await collector.flush();
      await store.deleteProject(id);
      return reply.code(204).send();
    });

    scope.post<{ Params: { id: string } }>(
      "/api/v1/projects/:id/rotate-app-id",
      async (request, reply) => {
        const id = projectId(reply, request.params.id);
        if (!id) return reply;
        const project = await projects.rotateAppId(id);
        directory.invalidate();
        return project ?? reply.code(404).send({ error: `project ${id} not found` });
      },
    );

    scope.get<{ Params: { id: string }; Querystring: { limit?: string } }>(
      "/api/v1/projects/:id/rejected",
      async (request, reply) => {
        const id = projectId(reply, request.params.id);
        if (!id) return reply;
        if (!(await projects.get(id)))
          return reply.code(404).send({ error: `project ${id} not found` });
        const limit = Math.min(1000, Math.max(1, Number(request.query.limit ?? 100) || 100));
        return { rejected: await projects.listRejected(id, limit) };
      },
    );

    // GitLab's configurator: enabling product analytics on a project.
    scope.post<{ Params: { id: string } }>("/setup-project/:id", async (request, reply) => {
      const id = projectId(reply, request.params.id);
      if (!id) return reply;
      let project = await projects.get(id);
      if (!project) {
        try {
          project = await projects.create({ id });
        } catch (error) {
          // Two setup calls racing for the same new project: the loser reads the winner's.
          if (!(error instanceof ProjectExistsError)) throw error;
          project = await projects.get(id);
        }
        directory.invalidate();
      }
      return { app_id: project?.appId };
    });

    scope.get<{ Params: { id: string; year: string; month: string } }>(
      "/usage/:id/:year/:month",
      async (request, reply) => {
        const id = projectId(reply, request.params.id);
        if (!id) return reply;
        const year = Number(request.params.year);
        const month = Number(request.params.month);
        if (
          !Number.isInteger(year) ||
          year < 2000 ||
          year > 2100 ||
          !Number.isInteger(month) ||
          month < 1 ||
          month > 12
        ) {
          return reply.code(400).send({ error: "year must be 2000-2100 and month 1-12" });
        }
        if (!(await projects.get(id)))
          return reply.code(404).send({ error: `project ${id} not found` });
        const from = Date.UTC(year, month - 1, 1);
        const to = Date.UTC(year, month, 1);
        return { result: await store.countEvents(id, from, to) };
      },
    );
  });
}
