/**
 * CORS for the collector's own paths, and nowhere else. Trackers post with credentials from any
 * site, so the answer echoes the origin (never `*`), allows credentials, and allows whatever
 * headers the preflight asks for (GitLab's SDK: content-type, sp-anonymous, x-gitlab-appid).
 * Written here rather than with @fastify/cors: that plugin answers preflights for every path of
 * the server (which would open the cookie-authenticated admin API to other origins) and
 * rebuilds its options on every request when they vary by path.
 */
import type { FastifyInstance } from "fastify";

export function registerCollectorCors(scope: FastifyInstance, paths: readonly string[]): void {
  scope.addHook("onRequest", (request, reply, done) => {
    const origin = request.headers.origin;
    if (origin) {
      reply.header("access-control-allow-origin", origin);
      reply.header("access-control-allow-credentials", "true");
      reply.header("vary", "Origin");
    }
    done();
  });
  for (const path of paths) {
    scope.options(path, (request, reply) => {
      const requested = request.headers["access-control-request-headers"];
      reply.header("access-control-allow-methods", "GET, POST, OPTIONS");
      if (requested) reply.header("access-control-allow-headers", requested);
      reply.header("access-control-max-age", "86400");
      return reply.code(204).send();
    });
  }
}
