/**
 * Who may read a project's dashboards: the admin credential, or the same project token the
 * query API takes (an HS256 JWT signed with the instance's API secret, naming the project in
 * `appId` — GitLab's `gitlab_project_<id>` too — or `projectId`). Verification is the query
 * API's own, so one token opens both.
 */
import type { FastifyRequest } from "fastify";
import type { Secrets } from "../../config/secrets.js";
import type { ProjectRepository } from "../../projects/repository.js";
import { AuthError, authenticate, MISSING_HEADER } from "../../query/http/auth.js";
import { isAdmin } from "../../server/admin-auth.js";

export type Access = { ok: true } | { ok: false; status: 401 | 403; error: string };

export async function projectAccess(
  request: FastifyRequest,
  projectId: string,
  secrets: Pick<Secrets, "adminToken" | "apiSecret">,
  projects: Pick<ProjectRepository, "get">,
): Promise<Access> {
  if (isAdmin(request, secrets.adminToken)) return { ok: true };
  let tokenProject: string;
  try {
    tokenProject = await authenticate(request.headers.authorization, secrets.apiSecret, projects);
  } catch (error) {
    if (!(error instanceof AuthError)) throw error;
    // Unlike Cube's 403, a missing or bad credential is a 401 here, as on the admin API.
    return { ok: false, status: 401, error: error.message || MISSING_HEADER };
  }
  if (tokenProject === projectId) return { ok: true };
  return { ok: false, status: 403, error: "the token does not grant access to this project" };
}
