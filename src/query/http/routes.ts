/**
 * The Cube-compatible REST API (`/cubejs-api/v1/load|meta|sql|dry-run`) and the admin route
 * that mints query tokens. Every /cubejs-api request is authenticated first; the project of the
 * token is the only one its queries can read.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { Project } from "../../projects/project.js";
import { requireAdmin } from "../../server/admin-auth.js";
import type { AppContext } from "../../server/context.js";
import { StoreUnavailableError } from "../../store/store.js";
import { QueryError } from "../errors.js";
import { ContinueWaitRunner } from "../execute.js";
import { type CompiledQuery, compileQuery, runCompiled } from "../index.js";
import { metaResponse } from "../meta.js";
import { loadModelFiles } from "../model/load-model.js";
import type { CompiledModel } from "../model/member.js";
import { ProjectModels } from "../model/project-models.js";
import { loadResponse, pivotQuery, type QueryKind } from "../response.js";
import { AuthError, authenticateProject, mintQueryToken } from "./auth.js";
import { readQueryRequest } from "./read-request.js";

export interface QueryRouteOptions {
  /** The models (default: the built-in cubes plus GLIMPSE_MODEL_DIR, no project cubes). */
  models?: ProjectModels;
  /** How long /load waits before answering "Continue wait" (default 5 s). */
  continueWaitMs?: number;
  /** How long a finished result waits for the client's retry (default 60 s). */
  keepMs?: number;
  /** The clock relative date ranges are read by (tests fix it). */
  now?: () => number;
}

const MAX_TOKEN_SECONDS = 366 * 24 * 3600;

export async function registerQueryRoutes(
  app: FastifyInstance,
  ctx: AppContext,
  options: QueryRouteOptions = {},
): Promise<void> {
  // Loaded here, at start: a broken model file stops the start with its file and line.
  const models =
    options.models ?? new ProjectModels(loadModelFiles(ctx.config.GLIMPSE_MODEL_DIR), null);
  const metaByModel = new WeakMap<CompiledModel, ReturnType<typeof metaResponse>>();
  /** The project each request's token named, found once by authentication. */
  const projectOf = new WeakMap<FastifyRequest, Project>();
  const modelOf = async (request: FastifyRequest) =>
    models.forProject(projectOf.get(request) as Project);
  const runner = new ContinueWaitRunner({
    continueWaitMs: options.continueWaitMs ?? 5_000,
    keepMs: options.keepMs ?? 60_000,
  });
  const clock = options.now ?? Date.now;

  const compile = async (request: FastifyRequest) => {
    const { queries, multi } = readQueryRequest(request);
    const projectId = (projectOf.get(request) as Project).id;
    const model = await modelOf(request);
    const now = clock();
    const compiled = queries.map((q) =>
      compileQuery(model, q, { projectId, dialect: ctx.store.dialect, now }),
    );
    const kind: QueryKind =
      compiled.length > 1
        ? "blendingQuery"
        : compiled[0]?.some((c) => c.query.compareLabel)
          ? "compareDateRangeQuery"
          : "regularQuery";
    return { compiled: compiled.flat(), kind, multi, now };
  };

  const handle =
    (work: (request: FastifyRequest, reply: FastifyReply) => Promise<unknown>) =>
    async (request: FastifyRequest, reply: FastifyReply) => {
      try {
        return await work(request, reply);
      } catch (error) {
        if (error instanceof QueryError) return reply.code(400).send({ error: error.message });
        // The store is down (e.g. ClickHouse unreachable): say so; the client may retry.
        if (error instanceof StoreUnavailableError)
          return reply.code(503).send({ error: `Store unavailable: ${error.message}` });
        request.log.error({ err: error }, "query failed");
        return reply.code(500).send({ error: "Internal error" });
      }
    };

  await app.register(async (api) => {
    api.addHook("preHandler", async (request, reply) => {
      try {
        projectOf.set(
          request,
          await authenticateProject(
            request.headers.authorization,
            ctx.secrets.apiSecret,
            ctx.projects,
          ),
        );
      } catch (error) {
        if (!(error instanceof AuthError))
          request.log.error({ err: error }, "authentication failed");
        const message = error instanceof AuthError ? error.message : "Invalid token";
        return reply.code(403).send({ error: message });
      }
    });

    api.route({
      method: ["GET", "POST"],
      url: "/cubejs-api/v1/load",
      handler: handle(async (request) => {
        const { compiled, kind, multi, now } = await compile(request);
        if (!multi && kind !== "regularQuery") return loadResponse([], kind, false);
        // Same SQL and values (the project's id is one of them): the same answer.
        const key = JSON.stringify(
          compiled.map((c) => [c.rendered.sql, c.rendered.params, c.rendered.total?.sql ?? null]),
        );
        const outcome = await runner.run(key, () => runCompiled(ctx.store, compiled, now));
        if (!outcome.done) return { error: "Continue wait" };
        return loadResponse(outcome.value, kind, multi);
      }),
    });

    api.get("/cubejs-api/v1/meta", async (request) => {
      const model = await modelOf(request);
      let meta = metaByModel.get(model);
      if (!meta) {
        meta = metaResponse(model);
        metaByModel.set(model, meta);
      }
      return meta;
    });

    api.route({
      method: ["GET", "POST"],
      url: "/cubejs-api/v1/sql",
      handler: handle(async (request) => {
        const { compiled } = await compile(request);
        const answers = compiled.map(sqlAnswer);
        return { sql: answers.length === 1 ? answers[0] : answers };
      }),
    });

    api.route({
      method: ["GET", "POST"],
      url: "/cubejs-api/v1/dry-run",
      handler: handle(async (request) => {
        const { compiled, kind } = await compile(request);
        const echoes = compiled.map((c) => ({ query: c.query.echo }));
        return {
          queryType: kind,
          normalizedQueries: echoes.map((e) => e.query),
          queryOrder: compiled.map((c) =>
            Object.fromEntries(c.query.order.map((o) => [o.key, o.desc ? "desc" : "asc"])),
          ),
          pivotQuery: pivotQuery(echoes as never, kind),
          transformedQueries: compiled.map(() => null),
        };
      }),
    });
  });

  app.post<{ Params: { id: string }; Body: { expiresIn?: unknown } | undefined }>(
    "/api/v1/projects/:id/query-token",
    { preHandler: requireAdmin(ctx.secrets.adminToken) },
    async (request, reply) => {
      const expiresIn = request.body?.expiresIn ?? 3600;
      if (
        typeof expiresIn !== "number" ||
        !Number.isInteger(expiresIn) ||
        expiresIn < 1 ||
        expiresIn > MAX_TOKEN_SECONDS
      ) {
        return reply.code(400).send({
          error: `expiresIn must be a whole number of seconds from 1 to ${MAX_TOKEN_SECONDS}`,
        });
      }
      const project = await ctx.projects.get(request.params.id);
      if (!project) return reply.code(404).send({ error: `no project ${request.params.id}` });
      const { token, expiresAt } = await mintQueryToken(
        project.id,
        ctx.secrets.apiSecret,
        expiresIn,
      );
      return reply.code(201).send({ projectId: project.id, token, expiresAt });
    },
  );
}

/** What Cube's /sql answers for one query: the SQL and its bound values. */
function sqlAnswer(c: CompiledQuery) {
  const aliasNameToMember: Record<string, string> = {};
  for (const d of c.plan.dimensions) aliasNameToMember[d.alias] = d.keys[0] as string;
  for (const m of c.plan.measures) aliasNameToMember[m.alias] = m.measure.fullName;
  return {
    sql: [c.rendered.sql, c.rendered.params],
    order: c.query.order.map((o) => ({ id: o.key, desc: o.desc })),
    aliasNameToMember,
    timeDimensionAlias: c.plan.dimensions.find((d) => d.time)?.alias,
    external: false,
    preAggregations: [],
    dataSource: "default",
    rollupMatchResults: [],
  };
}
