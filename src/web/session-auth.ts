/**
 * Whether a request carries a live web session. A cookie rides along with any request the
 * browser makes, so for state-changing methods the session only counts when the request also
 * shows it came from script (a JSON body or the `x-glimpse-request` header): forms and
 * cross-site navigations can send neither. SameSite=Strict already keeps other sites' requests
 * from carrying the cookie; this guards against same-site ones.
 */
import type { FastifyRequest } from "fastify";
import { sessionIdFrom, webSessions } from "./session-store.js";

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

export const SCRIPT_HEADER = "x-glimpse-request";

function cameFromScript(request: FastifyRequest): boolean {
  if (SAFE_METHODS.has(request.method)) return true;
  if (request.headers[SCRIPT_HEADER] !== undefined) return true;
  const type = request.headers["content-type"] ?? "";
  return /^application\/json\s*(;|$)/i.test(type);
}

export function hasAdminSession(request: FastifyRequest, adminToken: string): boolean {
  const id = sessionIdFrom(request.headers.cookie);
  if (id === null || webSessions.check(id, adminToken) === null) return false;
  return cameFromScript(request);
}
