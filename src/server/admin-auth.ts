/**
 * The admin credential: `Authorization: Bearer <token>`, or HTTP basic auth whose password is
 * the token (GitLab writes the configurator credential into a URL). Compared in constant time.
 * The web UI's session cookie (opened by signing in with the token) counts as the credential too.
 */
import { createHash, timingSafeEqual } from "node:crypto";
import type { FastifyReply, FastifyRequest } from "fastify";
import { hasAdminSession } from "../web/session-auth.js";

const digest = (value: string) => createHash("sha256").update(value).digest();

export function safeEqual(given: string, expected: string): boolean {
  // Hashing first makes the comparison constant-time whatever the lengths.
  return timingSafeEqual(digest(given), digest(expected));
}

export function presentedAdminToken(header: string | undefined): string | null {
  if (!header) return null;
  const [scheme, value] = header.split(" ", 2);
  if (!value) return null;
  if (scheme?.toLowerCase() === "bearer") return value.trim();
  if (scheme?.toLowerCase() === "basic") {
    const decoded = Buffer.from(value, "base64").toString("utf8");
    const colon = decoded.indexOf(":");
    return colon >= 0 ? decoded.slice(colon + 1) : null;
  }
  return null;
}

export function isAdmin(request: FastifyRequest, adminToken: string): boolean {
  const token = presentedAdminToken(request.headers.authorization);
  if (token !== null) return safeEqual(token, adminToken);
  return hasAdminSession(request, adminToken);
}

/** A preHandler that answers 401 unless the request carries the admin credential. */
export function requireAdmin(adminToken: string) {
  return async (request: FastifyRequest, reply: FastifyReply) => {
    if (!isAdmin(request, adminToken)) {
      await reply
        .code(401)
        .header("www-authenticate", 'Bearer realm="glimpse"')
        .send({ error: "missing or invalid admin credential" });
    }
  };
}
