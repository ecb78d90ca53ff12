/**
 * Signing in and out of the web UI: `POST /api/v1/web/session {"token"}` checks the admin token
 * (constant time) and sets the session cookie; `GET` tells whether the browser is signed in;
 * `DELETE` signs out.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { z } from "zod";
import { safeEqual } from "../server/admin-auth.js";
import type { AppContext } from "../server/context.js";
import { SESSION_COOKIE, SESSION_TTL_MS, sessionIdFrom, webSessions } from "./session-store.js";

const SIGN_IN_BODY = z.strictObject({ token: z.string().min(1).max(1000) });

function cookie(request: FastifyRequest, value: string, maxAgeSeconds: number): string {
  const secure = request.protocol === "https" ? "; Secure" : "";
  return `${SESSION_COOKIE}=${value}; Path=/; HttpOnly; SameSite=Strict; Max-Age=${maxAgeSeconds}${secure}`;
}

export function registerSessionRoutes(app: FastifyInstance, ctx: AppContext): void {
  app.post("/api/v1/web/session", async (request, reply: FastifyReply) => {
    const body = SIGN_IN_BODY.safeParse(request.body ?? {});
    if (!body.success) return reply.code(400).send({ error: "token: the admin token is required" });
    if (!safeEqual(body.data.token, ctx.secrets.adminToken)) {
      return reply.code(401).send({ error: "that is not the admin token" });
    }
    const { id, expiresAt } = webSessions.open(ctx.secrets.adminToken);
    return reply
      .header("set-cookie", cookie(request, id, Math.floor(SESSION_TTL_MS / 1000)))
      .header("cache-control", "no-store")
      .send({ signedIn: true, expiresAt: new Date(expiresAt).toISOString() });
  });

  app.get("/api/v1/web/session", async (request, reply) => {
    const id = sessionIdFrom(request.headers.cookie);
    const expiresAt = id === null ? null : webSessions.check(id, ctx.secrets.adminToken);
    reply.header("cache-control", "no-store");
    if (expiresAt === null) return reply.code(401).send({ error: "not signed in" });
    return { signedIn: true, expiresAt: new Date(expiresAt).toISOString() };
  });

  app.delete("/api/v1/web/session", async (request, reply) => {
    const id = sessionIdFrom(request.headers.cookie);
    if (id !== null) webSessions.close(id);
    return reply
      .header("set-cookie", cookie(request, "", 0))
      .code(204)
      .send();
  });
}
