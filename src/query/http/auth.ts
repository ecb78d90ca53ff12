/**
 * The query API's credential: a JWT in `Authorization` (raw, as GitLab sends it, or after
 * `Bearer`), HS256-signed with the instance's API secret. Its `appId` (GitLab's
 * `gitlab_project_<id>`) or `projectId` claim names the project. Failures say nothing more
 * than "Invalid token".
 */
import { jwtVerify, SignJWT } from "jose";
import type { Project } from "../../projects/project.js";
import type { ProjectRepository } from "../../projects/repository.js";

export class AuthError extends Error {
  readonly status = 403;
}

export const MISSING_HEADER = "Authorization header isn't set";
export const INVALID_TOKEN = "Invalid token";

const keys = new Map<string, Uint8Array>();
function key(secret: string): Uint8Array {
  let k = keys.get(secret);
  if (!k) {
    k = new TextEncoder().encode(secret);
    keys.set(secret, k);
  }
  return k;
}

/** Verifies the header's token and answers the id of an existing project. */
export async function authenticate(
  header: string | undefined,
  secret: string,
  projects: Pick<ProjectRepository, "get">,
): Promise<string> {
  return (await authenticateProject(header, secret, projects)).id;
}

/** Verifies the header's token and answers the existing project it names. */
export async function authenticateProject(
  header: string | undefined,
  secret: string,
  projects: Pick<ProjectRepository, "get">,
): Promise<Project> {
  if (!header?.trim()) throw new AuthError(MISSING_HEADER);
  const token = header.trim().replace(/^bearer\s+/i, "");
  let claims: Record<string, unknown>;
  try {
    // A token must expire (GitLab's last 180 s): one without `exp` would be valid forever.
    ({ payload: claims } = await jwtVerify(token, key(secret), {
      algorithms: ["HS256"],
      requiredClaims: ["exp"],
    }));
  } catch {
    throw new AuthError(INVALID_TOKEN);
  }
  const named =
    typeof claims.projectId === "string"
      ? claims.projectId
      : typeof claims.appId === "string"
        ? claims.appId
        : null;
  if (!named) throw new AuthError(INVALID_TOKEN);
  // GitLab names a project `gitlab_project_<id>`; a Glimpse project may carry either name.
  const candidates = [named];
  const gitlab = /^gitlab_project_(.+)$/.exec(named);
  if (gitlab?.[1]) candidates.push(gitlab[1]);
  for (const id of candidates) {
    const project = await projects.get(id).catch(() => null);
    if (project) return project;
  }
  throw new AuthError(INVALID_TOKEN);
}

/** Mints a query token for `projectId`, valid for `expiresIn` seconds. */
export async function mintQueryToken(
  projectId: string,
  secret: string,
  expiresIn: number,
  now = Date.now(),
) {
  const iat = Math.floor(now / 1000);
  const token = await new SignJWT({ projectId })
    .setProtectedHeader({ alg: "HS256", typ: "JWT" })
    .setIssuedAt(iat)
    .setExpirationTime(iat + expiresIn)
    .setIssuer("glimpse")
    .sign(key(secret));
  return { token, expiresAt: new Date((iat + expiresIn) * 1000).toISOString() };
}
