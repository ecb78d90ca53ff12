/**
 * Independent figures for the built-in visualizations, computed in plain JavaScript over the
 * raw events (no SQL, no compiler): what the API's answers are checked against.
 */
import type { StoredEvent } from "../../../src/events/event.js";

const userKey = (e: StoredEvent) => e.domain_userid ?? e.user_id;
const day = (ms: number) => `${new Date(ms).toISOString().slice(0, 10)}T00:00:00.000`;

export interface SessionFacts {
  id: string;
  user: string | null;
  start: number;
  end: number;
  agentName: string | null;
  agentVersion: string | null;
}

export function sessionsOf(events: readonly StoredEvent[]): SessionFacts[] {
  const byId = new Map<string, StoredEvent[]>();
  for (const e of events) {
    if (e.is_bot || !e.session_id) continue;
    byId.set(e.session_id, [...(byId.get(e.session_id) ?? []), e]);
  }
  return [...byId].map(([id, list]) => {
    const sorted = [...list].sort((a, b) => a.derived_tstamp - b.derived_tstamp);
    const first = sorted[0] as StoredEvent;
    return {
      id,
      user: sorted.map(userKey).find((k) => k) ?? null,
      start: first.derived_tstamp,
      end: (sorted[sorted.length - 1] as StoredEvent).derived_tstamp,
      agentName: first.agent_name,
      agentVersion: first.agent_version,
    };
  });
}

function countBy<T>(items: readonly T[], key: (item: T) => string, value: (items: T[]) => number) {
  const groups = new Map<string, T[]>();
  for (const item of items) groups.set(key(item), [...(groups.get(key(item)) ?? []), item]);
  return new Map([...groups].map(([k, list]) => [k, value(list)]));
}

const distinctUsers = (list: readonly StoredEvent[]) =>
  new Set(list.map(userKey).filter((k) => k !== null)).size;

/** Expected figures of each built-in visualization for one project's events. */
export function expectedFigures(all: readonly StoredEvent[], projectId: string) {
  const events = all.filter((e) => e.project_id === projectId && !e.is_bot);
  const sessions = sessionsOf(events);
  const firstOfUser = new Map<string, SessionFacts>();
  for (const s of [...sessions].sort((a, b) => a.start - b.start || a.id.localeCompare(b.id))) {
    if (s.user && !firstOfUser.has(s.user)) firstOfUser.set(s.user, s);
  }
  const repeat = sessions.filter((s) => s.user && firstOfUser.get(s.user) !== s).length;
  const sessionUsers = new Set(sessions.map((s) => s.user).filter((u) => u !== null)).size;
  const pageViews = events.filter((e) => e.event_type === "page_view");
  return {
    total_unique_users: distinctUsers(events),
    total_sessions: sessions.length,
    average_session_duration:
      sessions.reduce((sum, s) => sum + (s.end - s.start) / 60_000, 0) / sessions.length,
    average_sessions_per_user: sessions.length / sessionUsers,
    returning_users_percentage: (100 * repeat) / sessions.length,
    total_events: events.length,
    total_pageviews: pageViews.length,
    daily_active_users: countBy(events, (e) => day(e.derived_tstamp), distinctUsers),
    page_views_over_time: countBy(
      pageViews,
      (e) => day(e.derived_tstamp),
      (l) => l.length,
    ),
    events_over_time: countBy(
      events,
      (e) => day(e.derived_tstamp),
      (l) => l.length,
    ),
    sessions_over_time: countBy(
      sessions,
      (s) => day(s.start),
      (l) => l.length,
    ),
    browsers_per_users: countBy(events, (e) => `${e.agent_name}|${e.agent_version}`, distinctUsers),
    sessions_per_browser: countBy(
      sessions,
      (s) => `${s.agentName}|${s.agentVersion}`,
      (l) => l.length,
    ),
    top_pages: countBy(
      events,
      (e) => `${e.page_urlpath}|${e.page_url}`,
      (l) => l.filter((e) => e.event_type === "page_view").length,
    ),
  };
}
