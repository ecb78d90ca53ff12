/**
 * Enrichment: turns a decoded event into the stored event — agent and bot flag, URL parts,
 * anonymised IP, a visitor id and a session for anonymous traffic.
 */
import type { StoredEvent } from "../../events/event.js";
import { anonymizeIp } from "./ip.js";
import type { Sessionizer } from "./sessions.js";
import { enrichUrls } from "./url.js";
import { parseAgent } from "./user-agent.js";
import type { VisitorHasher } from "./visitor.js";

/** What the HTTP request tells about its sender. */
export interface RequestContext {
  ip: string;
  userAgent: string | null;
  /** The tracker asked for anonymous tracking (`SP-Anonymous: *`). */
  anonymousHeader: boolean;
  /** A backend sent the request (Jitsu's s2s endpoint): its agent and IP are not the user's. */
  serverSide?: boolean;
}

export interface Enricher {
  visitors: VisitorHasher;
  sessions: Sessionizer;
}

export function enrich(
  { visitors, sessions }: Enricher,
  event: StoredEvent,
  request: RequestContext,
  payloadIp: string | null,
): void {
  // A server-side tracker's own agent and address say nothing of the user (and its HTTP
  // library would be flagged as a bot): only what the payload carries counts.
  const serverSide = request.serverSide === true || event.platform === "srv";
  const userAgent = event.useragent ?? (serverSide ? null : request.userAgent);
  event.useragent = userAgent;
  if (userAgent) Object.assign(event, parseAgent(userAgent));
  enrichUrls(event);

  const ip = payloadIp ?? (serverSide ? "" : request.ip);
  const anonymous =
    request.anonymousHeader || (event.domain_userid === null && event.user_id === null);
  event.anonymous = anonymous;
  if (anonymous) {
    // Anonymous events keep no IP at all; the visitor id stands in for a cookie.
    event.ip = null;
    event.domain_userid ??= visitors.visitorId(
      event.project_id,
      ip,
      userAgent ?? "",
      event.collector_tstamp,
    );
  } else {
    event.ip = anonymizeIp(ip);
  }
  if (event.session_id === null) {
    const userKey = event.domain_userid ?? event.user_id ?? "";
    const session = sessions.assign(event.project_id, userKey, event.derived_tstamp);
    event.session_id = session.id;
    event.session_index = session.index;
  }
}
