/**
 * The queries of GitLab's built-in visualizations (reference section 4): what the audience and
 * behavior dashboards ask. The compatibility tests check their figures and the benchmark times
 * them.
 */

const common = { limit: 100, timezone: "UTC" } as const;
const byDay = (dimension: string) => [{ dimension, granularity: "day" }];

export const BUILTIN_QUERIES: Readonly<Record<string, Record<string, unknown>>> = {
  total_unique_users: { measures: ["TrackedEvents.uniqueUsersCount"], ...common },
  total_sessions: { measures: ["Sessions.count"], ...common },
  average_session_duration: { measures: ["Sessions.averageDurationMinutes"], ...common },
  average_sessions_per_user: { measures: ["Sessions.averagePerUser"], ...common },
  returning_users_percentage: { measures: ["Sessions.repeatPercent"], ...common },
  total_events: { measures: ["TrackedEvents.count"], ...common },
  total_pageviews: { measures: ["TrackedEvents.pageViewsCount"], ...common },
  daily_active_users: {
    measures: ["TrackedEvents.uniqueUsersCount"],
    timeDimensions: byDay("TrackedEvents.derivedTstamp"),
    ...common,
  },
  page_views_over_time: {
    measures: ["TrackedEvents.pageViewsCount"],
    timeDimensions: byDay("TrackedEvents.derivedTstamp"),
    ...common,
  },
  events_over_time: {
    measures: ["TrackedEvents.count"],
    timeDimensions: byDay("TrackedEvents.derivedTstamp"),
    ...common,
  },
  sessions_over_time: {
    measures: ["Sessions.count"],
    timeDimensions: byDay("Sessions.startAt"),
    ...common,
  },
  browsers_per_users: {
    measures: ["TrackedEvents.uniqueUsersCount"],
    dimensions: ["TrackedEvents.agentName", "TrackedEvents.agentVersion"],
    ...common,
  },
  sessions_per_browser: {
    measures: ["Sessions.count"],
    dimensions: ["Sessions.agentName", "Sessions.agentVersion"],
    ...common,
  },
  top_pages: {
    measures: ["TrackedEvents.pageViewsCount"],
    dimensions: ["TrackedEvents.pageUrlpath", "TrackedEvents.pageUrl"],
    ...common,
  },
};
