/**
 * The DuckDB store's sessions rollup: one row per project and session, holding what the
 * Sessions cube derives from events by `GROUP BY session_id` (start, end, events, first page,
 * agent, OS, user key...), so that session queries read about one row per session instead of
 * every event. The store keeps it exact: each insert recomputes the sessions it touched from
 * all of their events.
 *
 * Bots: queries leave bot events out unless they ask for them, and a session's aggregates
 * differ by that choice when it mixes bot and human events. A row says which scans it serves:
 * `for_humans` (its aggregates are over the session's human events) and `for_all` (over all of
 * its events). A session without bot events has one row serving both; a bot-only session one
 * row for `for_all`; a mixed session one row of each.
 *
 * Whether a session is its user's first (the Sessions cube's `isFirst`, a window over all of
 * the user's sessions) is kept too, per scan: `first_in_humans`, `first_in_all`. A load
 * recomputes it for the users whose sessions it touched.
 */
import type { DuckDBConnection } from "@duckdb/node-api";

export const SESSIONS_TABLE = "sessions_rollup";

/** Columns taken from the session's earliest event that has a value (`arg_min` skips NULLs). */
const FIRST_OF_SESSION = [
  "page_urlhost",
  "page_urlpath",
  "page_title",
  "page_referrer",
  "agent_name",
  "agent_version",
  "os_family",
  "os_name",
  "os_version",
  "os_version_major",
  "browser_language",
  "document_language",
  "viewport_size",
  "screen_resolution",
] as const;

export const SESSIONS_DDL = `CREATE TABLE IF NOT EXISTS ${SESSIONS_TABLE} (
  project_id VARCHAR NOT NULL, session_id VARCHAR NOT NULL,
  for_humans BOOLEAN NOT NULL, for_all BOOLEAN NOT NULL,
  user_key VARCHAR, user_id VARCHAR, start_at TIMESTAMP, end_at TIMESTAMP, number_events BIGINT,
  ${FIRST_OF_SESSION.map((c) => `${c} VARCHAR`).join(", ")},
  first_in_humans BOOLEAN, first_in_all BOOLEAN)`;

const VALUE_COLUMNS = [
  "user_key",
  "user_id",
  "start_at",
  "end_at",
  "number_events",
  ...FIRST_OF_SESSION,
].join(", ");

/**
 * The per-session aggregates, as the Sessions cube defines them over events (sessions.yaml;
 * `user_key` is the first visitor key the session has, a choice `any_value` allows).
 */
const AGGREGATES = [
  "arg_min(COALESCE(domain_userid, user_id), derived_tstamp) AS user_key",
  "max(user_id) AS user_id",
  "min(derived_tstamp) AS start_at",
  "max(derived_tstamp) AS end_at",
  "count(*) AS number_events",
  ...FIRST_OF_SESSION.map((c) => `arg_min(${c}, derived_tstamp) AS ${c}`),
].join(", ");

/** Inserts the rollup rows of every session with events in `source` (a query over events). */
function insertSessionsOf(source: string): string {
  return `INSERT INTO ${SESSIONS_TABLE}
    WITH ev AS MATERIALIZED (${source}),
    every AS (
      SELECT project_id, session_id, bool_or(is_bot) AS has_bots, ${AGGREGATES}
      FROM ev WHERE session_id IS NOT NULL GROUP BY project_id, session_id),
    humans AS (
      SELECT project_id, session_id, ${AGGREGATES}
      FROM ev SEMI JOIN (SELECT project_id AS p, session_id AS s FROM every WHERE has_bots) mixed
        ON ev.project_id = mixed.p AND ev.session_id = mixed.s
      WHERE NOT is_bot GROUP BY project_id, session_id)
    SELECT project_id, session_id, NOT has_bots, TRUE, ${VALUE_COLUMNS}, NULL, NULL FROM every
    UNION ALL
    SELECT project_id, session_id, TRUE, FALSE, ${VALUE_COLUMNS}, NULL, NULL FROM humans`;
}

/**
 * Sets the first-session flags of the rows of `source` (all sessions of some users): as
 * the cube's window, `row_number() OVER (PARTITION BY user_key ORDER BY start_at, session_id)
 * = 1` among the rows of each scan, and TRUE for a session without a user key.
 */
function markFirstSessions(source: string): string {
  const first = (scan: string) =>
    `user_key IS NULL OR (${scan} AND count(*) FILTER (WHERE ${scan}) OVER w = 1)`;
  return `UPDATE ${SESSIONS_TABLE} AS r SET first_in_humans = f.fh, first_in_all = f.fa
    FROM (
      SELECT project_id, session_id, for_humans, for_all,
        ${first("for_humans")} AS fh, ${first("for_all")} AS fa
      FROM ${source}
      WINDOW w AS (PARTITION BY project_id, user_key ORDER BY start_at, session_id
        ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)) f
    WHERE r.project_id = f.project_id AND r.session_id = f.session_id
      AND r.for_humans = f.for_humans AND r.for_all = f.for_all`;
}

/**
 * Creates the rollup; a database from before it existed gets it built from all stored events
 * (once, at open).
 */
export async function ensureSessionsRollup(connection: DuckDBConnection): Promise<void> {
  // The newest column tells a current rollup from none or an earlier layout (rebuilt).
  const existing = await connection.runAndReadAll(
    "SELECT count(*) FROM information_schema.columns WHERE table_name = $1 AND column_name = $2",
    [SESSIONS_TABLE, "first_in_all"],
  );
  if (Number(existing.getRows()[0]?.[0] ?? 0) > 0) return;
  await connection.run("BEGIN TRANSACTION");
  try {
    await connection.run(`DROP TABLE IF EXISTS ${SESSIONS_TABLE}`);
    await connection.run(SESSIONS_DDL);
    await connection.run(insertSessionsOf("SELECT * FROM events"));
    await connection.run(markFirstSessions(SESSIONS_TABLE));
    await connection.run("COMMIT");
  } catch (error) {
    await connection.run("ROLLBACK").catch(() => {});
    throw error;
  }
}

/**
 * Recomputes the sessions that the events in table `batch` (just inserted into `events`)
 * belong to, inside the caller's transaction. Only events from the earliest start among those
 * sessions are read: every event of a session is at or after its start, so the slice holds all
 * of them, and for a live stream it is a recent slice of the table.
 */
export async function refreshSessions(connection: DuckDBConnection, batch: string): Promise<void> {
  await connection.run(
    `CREATE OR REPLACE TEMP TABLE touched_sessions AS
     SELECT DISTINCT project_id, session_id FROM ${batch} WHERE session_id IS NOT NULL`,
  );
  // Passed on as a value: a subquery in the scan's filter would not prune the table.
  const earliest = await connection.runAndReadAll(
    `SELECT epoch_us(least(
       (SELECT min(derived_tstamp) FROM ${batch} WHERE session_id IS NOT NULL),
       (SELECT min(s.start_at) FROM ${SESSIONS_TABLE} s
        JOIN touched_sessions t ON s.project_id = t.project_id AND s.session_id = t.session_id)))`,
  );
  const since = earliest.getRows()[0]?.[0];
  if (since !== null && since !== undefined) {
    // The users of the touched sessions, before and after: their first sessions may change.
    const usersOf = `SELECT DISTINCT s.project_id, s.user_key FROM ${SESSIONS_TABLE} s
      SEMI JOIN touched_sessions t ON s.project_id = t.project_id AND s.session_id = t.session_id
      WHERE s.user_key IS NOT NULL`;
    await connection.run(`CREATE OR REPLACE TEMP TABLE touched_users AS ${usersOf}`);
    await connection.run(
      `DELETE FROM ${SESSIONS_TABLE} s USING touched_sessions t
       WHERE s.project_id = t.project_id AND s.session_id = t.session_id`,
    );
    await connection.run(
      insertSessionsOf(
        `SELECT e.* FROM events e
         SEMI JOIN touched_sessions t ON e.project_id = t.project_id AND e.session_id = t.session_id
         WHERE e.derived_tstamp >= make_timestamp($1::BIGINT)`,
      ),
      [String(since)],
    );
    await connection.run(`INSERT INTO touched_users ${usersOf}`);
    await connection.run(
      markFirstSessions(`(
        SELECT s.* FROM ${SESSIONS_TABLE} s
        SEMI JOIN touched_users u ON s.project_id = u.project_id AND s.user_key = u.user_key
        UNION ALL
        SELECT s.* FROM ${SESSIONS_TABLE} s
        SEMI JOIN touched_sessions t ON s.project_id = t.project_id AND s.session_id = t.session_id
        WHERE s.user_key IS NULL) AS scope`),
    );
    await connection.run("DROP TABLE touched_users");
  }
  await connection.run("DROP TABLE touched_sessions");
}

export async function deleteProjectSessions(
  connection: DuckDBConnection,
  projectId: string,
): Promise<void> {
  await connection.run(`DELETE FROM ${SESSIONS_TABLE} WHERE project_id = $1`, [projectId]);
}
