/**
 * Serves the built web UI (`web/dist`) at `/`. Hashed assets are cached for good; any other GET
 * a browser navigates to (it asks for HTML) gets `index.html`, so the app's own routes work on
 * reload. API-like paths and non-HTML requests keep the service's JSON 404.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import fastifyStatic from "@fastify/static";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { PACKAGE_ROOT } from "../dashboards/builtin-catalog.js";

export const WEB_DIST = join(PACKAGE_ROOT, "web", "dist");

const API_PREFIXES = ["/api/", "/cubejs-api/", "/schemas/", "/sdk/", "/usage/", "/setup-project/"];

/** What the app's HTML may load: only itself (ECharts draws on canvas; Vue binds styles). */
const CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
  "form-action 'self'",
].join("; ");

function wantsApp(request: FastifyRequest): boolean {
  const path = request.url.split("?")[0] ?? "/";
  if (API_PREFIXES.some((p) => path.startsWith(p))) return false;
  if (/\.[a-z0-9]+$/i.test(path)) return false;
  return (request.headers.accept ?? "").includes("text/html");
}

function sendIndex(reply: FastifyReply, html: string) {
  return reply
    .type("text/html; charset=utf-8")
    .header("cache-control", "no-cache")
    .header("content-security-policy", CSP)
    .header("x-frame-options", "DENY")
    .header("referrer-policy", "same-origin")
    .send(html);
}

export async function registerStaticRoutes(app: FastifyInstance, root = WEB_DIST): Promise<void> {
  const indexFile = join(root, "index.html");
  // Read per request (it is tiny): a rebuild under a running service names new assets.
  const index = () =>
    existsSync(indexFile)
      ? readFileSync(indexFile, "utf8")
      : "<!doctype html><title>Glimpse</title><p>The web UI is not built: run <code>npm run build</code>.</p>";

  await app.register(async (scope) => {
    if (existsSync(join(root, "assets"))) {
      await scope.register(fastifyStatic, {
        root: join(root, "assets"),
        prefix: "/assets/",
        decorateReply: false,
        // Looked up per request, so a rebuild under a running service is served.
        wildcard: true,
        immutable: true,
        maxAge: "365d",
        cacheControl: true,
      });
    }
    for (const file of ["favicon.svg"]) {
      if (existsSync(join(root, file))) {
        const body = readFileSync(join(root, file));
        scope.get(`/${file}`, (_request, reply) =>
          reply.type("image/svg+xml").header("cache-control", "public, max-age=86400").send(body),
        );
      }
    }
    scope.get("/", (_request, reply) => sendIndex(reply, index()));
    scope.get("/*", (request, reply) => {
      if (wantsApp(request)) return sendIndex(reply, index());
      return reply.code(404).send({ error: `no route GET ${request.url.split("?")[0]}` });
    });
  });
}
