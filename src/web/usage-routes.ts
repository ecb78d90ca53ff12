/**
 * Figures the web UI shows about projects: the list with this month's and all-time event
 * counts, one project's counts (the onboarding page polls it for the first event), and usage:
 * events stored per month over the last months for every project.
 */
import type { FastifyInstance } from "fastify";
import type { AppContext } from "../server/context.js";
import { monthlyCounts, monthStart, totalEvents } from "./project-stats.js";

export function registerUsageRoutes(app: FastifyInstance, ctx: AppContext): void {
  const { projects, store } = ctx;

  const withCounts = async (id: string, now: number) => ({
    eventsThisMonth: await store.countEvents(id, monthStart(now), monthStart(now, 1)),
    events: await totalEvents(store, id, now),
  });

  app.get("/api/v1/web/projects", async () => {
    const now = Date.now();
    const list = await projects.list();
    const rows = [];
    for (const project of list) rows.push({ ...project, ...(await withCounts(project.id, now)) });
    return { projects: rows };
  });

  app.get<{ Params: { id: string } }>("/api/v1/web/projects/:id/stats", async (request, reply) => {
    const project = await projects.get(request.params.id);
    if (!project) return reply.code(404).send({ error: `no project ${request.params.id}` });
    return { id: project.id, ...(await withCounts(project.id, Date.now())) };
  });

  app.get<{ Querystring: { months?: string } }>("/api/v1/web/usage", async (request, reply) => {
    const months = Number(request.query.months ?? 12);
    if (!Number.isInteger(months) || months < 1 || months > 36) {
      return reply.code(400).send({ error: "months must be a whole number from 1 to 36" });
    }
    const now = Date.now();
    const rows = [];
    for (const project of await projects.list()) {
      rows.push({
        id: project.id,
        name: project.name,
        months: await monthlyCounts(store, project.id, months, now),
      });
    }
    return { projects: rows };
  });
}
