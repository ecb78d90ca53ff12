/**
 * The web UI: its static app at `/`, signing in and out, and the few endpoints it needs beyond
 * the public APIs (query tokens, settings, usage). Everything under `/api/v1/web/` except the
 * sign-in itself requires the admin credential, which a session cookie carries.
 */
import type { FastifyInstance } from "fastify";
import { requireAdmin } from "../server/admin-auth.js";
import type { AppContext } from "../server/context.js";
import { registerQueryTokenRoutes } from "./query-token-routes.js";
import { registerSessionRoutes } from "./session-routes.js";
import { registerSettingsRoutes } from "./settings-routes.js";
import { registerStaticRoutes } from "./static-routes.js";
import { registerUsageRoutes } from "./usage-routes.js";

export async function registerWebRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  await app.register(async (open) => {
    registerSessionRoutes(open, ctx);
  });
  await app.register(async (admin) => {
    admin.addHook("onRequest", requireAdmin(ctx.secrets.adminToken));
    registerQueryTokenRoutes(admin, ctx);
    registerSettingsRoutes(admin, ctx);
    registerUsageRoutes(admin, ctx);
  });
  await registerStaticRoutes(app);
}
