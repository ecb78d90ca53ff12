/**
 * Who may read a project's dashboards: the admin credential, or a project read token — an
 * HS256 JWT signed with the instance's API secret (as GitLab signs Cube tokens) whose `appId`
 * or `projectId` claim is the project id. The token comes as `Authorization: <JWT>` or
 * `Authorization: Bearer <JWT>`.
 */
import type { FastifyRequest } from "fastify";
import { jwtVerify } from "jose";
import type { Secrets } from "../../config/secrets.js";
import { isAdmin } from "../../server/admin-auth.js";

export type Access = { ok: true } | { ok: false; status: 401 | 403; error: string };

function presentedToken(header: string | undefined): string | null {
  if (!header) return null;
  const trimmed = header.trim();
  const bearer = /^bearer\s+(.+)$/i.exec(trimmed);
  return bearer?.[1] ?? (trimmed.includes(" ") ? null : trimmed);
}

export async function projectAccess(
  request: FastifyRequest,
  projectId: string,
  secrets: Pick<Secrets, "adminToken" | "apiSecret">,
): Promise<Access> {
  if (isAdmin(request, secrets.adminToken)) return { ok: true };
  const token = presentedToken(request.headers.authorization);
  if (!token) return { ok: false, status: 401, error: "Authorization header isn't set" };
  let claims: Record<string, unknown>;
  try {
    const key = new TextEncoder().encode(secrets.apiSecret);
    ({ payload: claims } = await jwtVerify(token, key, { algorithms: ["HS256"] }));
  } catch {
    return { ok: false, status: 401, error: "Invalid token" };
  }
  if (claims.appId === projectId || claims.projectId === projectId) return { ok: true };
  return { ok: false, status: 403, error: "the token does not grant access to this project" };
}
