/**
 * Short-lived query tokens for the signed-in web UI: the app asks for one per project and
 * sends it to `/cubejs-api/v1/*` like any Cube client. Minted as the admin route mints them.
 */
import type { FastifyInstance } from "fastify";
import { mintQueryToken } from "../query/http/auth.js";
import type { AppContext } from "../server/context.js";

/** Long enough for a dashboard's queries, short enough to be worthless when it leaks. */
export const WEB_QUERY_TOKEN_SECONDS = 10 * 60;

export function registerQueryTokenRoutes(app: FastifyInstance, ctx: AppContext): void {
  app.post<{ Params: { id: string } }>(
    "/api/v1/web/projects/:id/query-token",
    async (request, reply) => {
      const project = await ctx.projects.get(request.params.id);
      if (!project) return reply.code(404).send({ error: `no project ${request.params.id}` });
      const minted = await mintQueryToken(
        project.id,
        ctx.secrets.apiSecret,
        WEB_QUERY_TOKEN_SECONDS,
      );
      return reply.header("cache-control", "no-store").send({ projectId: project.id, ...minted });
    },
  );
}
