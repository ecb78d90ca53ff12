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
  const userAgent = event.useragent ?? request.userAgent;
  event.useragent = userAgent;
  if (userAgent) Object.assign(event, parseAgent(userAgent));
  enrichUrls(event);

  const ip = payloadIp ?? request.ip;
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
