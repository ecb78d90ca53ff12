/**
 * The DuckDB store's sessions rollup: one row per project and session, holding what the
 * Sessions cube derives from events by `GROUP BY session_id` (start, end, events, first page,
 * agent, OS, user key...), so that session queries read about one row per session instead of
 * every event. The store keeps it exact: each insert merges its events' per-session aggregates
 * into the rows of the sessions they belong to (each first value carries when it was seen,
 * so that merging picks the earlier), never re-reading a session's older events.
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
import { script } from "./duckdb-database.js";

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

/** Columns taken from the earliest event that has a value: the value and when it was seen. */
const FIRST_VALUES = [
  { column: "user_key", expr: "COALESCE(domain_userid, user_id)" },
  ...FIRST_OF_SESSION.map((c) => ({ column: c, expr: c })),
];

export const SESSIONS_DDL = `CREATE TABLE IF NOT EXISTS ${SESSIONS_TABLE} (
  project_id VARCHAR NOT NULL, session_id VARCHAR NOT NULL,
  for_humans BOOLEAN NOT NULL, for_all BOOLEAN NOT NULL,
  user_key VARCHAR, user_id VARCHAR, start_at TIMESTAMP, end_at TIMESTAMP, number_events BIGINT,
  ${FIRST_OF_SESSION.map((c) => `${c} VARCHAR`).join(", ")},
  first_in_humans BOOLEAN, first_in_all BOOLEAN,
  ${FIRST_VALUES.map((f) => `${f.column}_at TIMESTAMP`).join(", ")}, user_num BIGINT,
  session_hash UBIGINT)`;

/**
 * A session's 64-bit key, for finding its stored row: a join on it reads one integer column
 * rather than the ids' text (~12 ms against ~90 over 1.5M sessions). MD5, so that it does not
 * change with DuckDB's version; a project id has no `/`, so the text hashed is unambiguous.
 * Two sessions sharing a key only cost a look at both rows (matched by id after).
 */
const sessionHash = (alias: string) =>
  `md5_number_lower(${alias}.project_id || '/' || ${alias}.session_id)`;

/**
 * A number for each user key, so that the Sessions cube counts distinct users over integers
 * (about three times faster than over the keys' text at 1.5M sessions, and as exact).
 */
const USERS_TABLE = "session_users";
const USERS_DDL = `CREATE TABLE IF NOT EXISTS ${USERS_TABLE} (
  project_id VARCHAR NOT NULL, user_key VARCHAR NOT NULL, user_num BIGINT NOT NULL)`;

/**
 * The layout's newest column: a table without it is from an earlier layout. The layout before
 * it (with `user_num`) only gains the column; an older one is rebuilt.
 */
const NEWEST_COLUMN = "session_hash";
const PREVIOUS_COLUMN = "user_num";

const VALUE_COLUMNS = [
  "user_id",
  "start_at",
  "end_at",
  "number_events",
  ...FIRST_VALUES.flatMap((f) => [f.column, `${f.column}_at`]),
];

/**
 * The per-session aggregates, as the Sessions cube defines them over events (sessions.yaml;
 * `user_key` is the first visitor key the session has, a choice `any_value` allows). For each
 * first value, also when it was seen (`arg_min` skips NULLs, so: the earliest non-NULL), which
 * is what lets two aggregates of one session merge exactly.
 */
const AGGREGATES = [
  "max(user_id) AS user_id",
  "min(derived_tstamp) AS start_at",
  "max(derived_tstamp) AS end_at",
  "count(*) AS number_events",
  ...FIRST_VALUES.flatMap((f) => [
    `arg_min(${f.expr}, derived_tstamp) AS ${f.column}`,
    `min(derived_tstamp) FILTER (WHERE ${f.expr} IS NOT NULL) AS ${f.column}_at`,
  ]),
].join(", ");

/** The aggregates of `a` and `b` (rows of one session, either may be missing) as one. */
function merged(a: string, b: string): string {
  const first = FIRST_VALUES.flatMap(({ column: c }) => [
    `CASE WHEN ${a}.${c}_at IS NULL OR ${b}.${c}_at < ${a}.${c}_at THEN ${b}.${c} ELSE ${a}.${c} END AS ${c}`,
    `least(${a}.${c}_at, ${b}.${c}_at) AS ${c}_at`,
  ]);
  return [
    `greatest(${a}.user_id, ${b}.user_id) AS user_id`,
    `least(${a}.start_at, ${b}.start_at) AS start_at`,
    `greatest(${a}.end_at, ${b}.end_at) AS end_at`,
    `COALESCE(${a}.number_events, 0) + COALESCE(${b}.number_events, 0) AS number_events`,
    ...first,
  ].join(", ");
}

/**
 * The statements that merge the events of table `batch` into the rollup rows of their
 * sessions: the batch's per-session aggregates (over all its events, and over its human ones)
 * are merged with the stored rows of those sessions, which are then replaced. A load thus reads
 * its own events and the rows of the sessions it touches, however long ago those sessions
 * started.
 *
 * Session and user ids are random, so nothing prunes a join on them: each one reads the whole
 * rollup. The stored rows are found once, by their sessions' hashes (see `sessionHash`), with
 * their row ids; they are deleted, and later flagged, by row id; a user's sessions are found by
 * the user's number rather than key, and the users table is read once. With 1.5M sessions
 * stored, a join on the keys took ~60–90 ms, one on row ids ~3 ms and one on user numbers or
 * session hashes ~12 ms.
 */
function mergeSessionsOf(batch: string): string[] {
  const firstIfKeyless = "CASE WHEN user_key IS NULL THEN TRUE END";
  // The `humans` aggregate of a session without bot events in the batch is its `all` one;
  // only sessions with bots in the batch are aggregated again over their human events.
  const values = VALUE_COLUMNS.join(", ");
  return [
    `CREATE OR REPLACE TEMP TABLE session_delta AS
     WITH every AS MATERIALIZED (
       SELECT project_id, session_id, bool_or(is_bot) AS has_bots, ${AGGREGATES}
       FROM ${batch} WHERE session_id IS NOT NULL GROUP BY project_id, session_id),
     humans AS (
       SELECT project_id, session_id, ${AGGREGATES}
       FROM ${batch} b SEMI JOIN (SELECT project_id, session_id FROM every WHERE has_bots) m
         ON b.project_id = m.project_id AND b.session_id = m.session_id
       WHERE NOT is_bot GROUP BY project_id, session_id)
     SELECT project_id, session_id, TRUE AS for_all, has_bots, ${values} FROM every
     UNION ALL
     SELECT project_id, session_id, FALSE, FALSE, ${values} FROM every WHERE NOT has_bots
     UNION ALL
     SELECT project_id, session_id, FALSE, FALSE, ${values} FROM humans`,
    // The stored rows of those sessions, as an `all` and a `humans` aggregate: a row serving
    // both scans (a session without bots so far) stands for each.
    `CREATE OR REPLACE TEMP TABLE session_found AS
     SELECT r.rowid AS stored_row FROM ${SESSIONS_TABLE} r
     SEMI JOIN (SELECT DISTINCT ${sessionHash("d")} AS session_hash FROM session_delta d) h
       ON r.session_hash = h.session_hash`,
    `CREATE OR REPLACE TEMP TABLE session_stored AS
     WITH found AS MATERIALIZED (
       SELECT rowid AS stored_row, * FROM ${SESSIONS_TABLE}
       WHERE rowid IN (SELECT stored_row FROM session_found)),
     rows AS (
       SELECT f.* FROM found f
       SEMI JOIN session_delta d ON f.project_id = d.project_id AND f.session_id = d.session_id)
     SELECT stored_row, user_num, project_id, session_id, TRUE AS for_all,
       NOT for_humans AS has_bots, ${values}
     FROM rows WHERE for_all
     UNION ALL
     SELECT stored_row, user_num, project_id, session_id, FALSE, FALSE, ${values}
     FROM rows WHERE for_humans`,
    `DELETE FROM ${SESSIONS_TABLE} WHERE rowid IN (SELECT stored_row FROM session_stored)`,
    // A session with bot events has an `all` row and (with human events) a `humans` row; one
    // without has one row serving both.
    `CREATE OR REPLACE TEMP TABLE session_merged AS
     WITH m AS (
       SELECT COALESCE(s.project_id, d.project_id) AS project_id,
         COALESCE(s.session_id, d.session_id) AS session_id,
         COALESCE(s.for_all, d.for_all) AS for_all, ${merged("s", "d")}
       FROM session_stored s FULL OUTER JOIN session_delta d
         ON s.project_id = d.project_id AND s.session_id = d.session_id AND s.for_all = d.for_all),
     bots AS (
       SELECT project_id, session_id, bool_or(has_bots) AS has_bots
       FROM (SELECT project_id, session_id, has_bots FROM session_stored WHERE for_all
             UNION ALL SELECT project_id, session_id, has_bots FROM session_delta WHERE for_all)
       GROUP BY project_id, session_id)
     SELECT m.project_id, m.session_id, NOT m.for_all OR NOT b.has_bots AS for_humans, m.for_all,
       ${VALUE_COLUMNS.map((c) => `m.${c}`).join(", ")}
     FROM m JOIN bots b ON m.project_id = b.project_id AND m.session_id = b.session_id
     WHERE m.for_all OR b.has_bots`,
    // The sessions' user keys with their numbers, found in one pass over the users table; new
    // keys get the next numbers.
    `CREATE OR REPLACE TEMP TABLE session_keys AS
     WITH k AS MATERIALIZED (
       SELECT n.project_id, n.user_key, u.user_num
       FROM (SELECT DISTINCT project_id, user_key FROM session_merged WHERE user_key IS NOT NULL) n
       LEFT JOIN ${USERS_TABLE} u ON n.project_id = u.project_id AND n.user_key = u.user_key)
     SELECT project_id, user_key, user_num, FALSE AS new FROM k WHERE user_num IS NOT NULL
     UNION ALL
     SELECT project_id, user_key,
       (SELECT COALESCE(max(user_num), 0) FROM ${USERS_TABLE}) + row_number() OVER (), TRUE
     FROM k WHERE user_num IS NULL`,
    `INSERT INTO ${USERS_TABLE} SELECT project_id, user_key, user_num FROM session_keys WHERE new`,
    `CREATE OR REPLACE TEMP TABLE session_numbered AS
     SELECT m.*, k.user_num FROM session_merged m
     LEFT JOIN session_keys k ON m.project_id = k.project_id AND m.user_key = k.user_key`,
    // A session without a user key is its own first; the others are flagged after.
    `INSERT INTO ${SESSIONS_TABLE} (project_id, session_id, for_humans, for_all, ${values}, user_num,
       first_in_humans, first_in_all, session_hash)
     SELECT project_id, session_id, for_humans, for_all, ${values}, user_num,
       ${firstIfKeyless}, ${firstIfKeyless}, ${sessionHash("n")}
     FROM session_numbered n`,
  ];
}

/**
 * Sets the first-session flags of the rows of `source` (all sessions of some users, with each
 * row's `rowid` as `stored_row`): as the cube's window, `row_number() OVER (PARTITION BY
 * user_key ORDER BY start_at, session_id) = 1` among the rows of each scan, and TRUE for a
 * session without a user key. Only flags that change are written.
 */
function markFirstSessions(source: string): string {
  const first = (scan: string) =>
    `user_key IS NULL OR (${scan} AND count(*) FILTER (WHERE ${scan}) OVER w = 1)`;
  return `UPDATE ${SESSIONS_TABLE} AS r SET first_in_humans = f.fh, first_in_all = f.fa
    FROM (
      SELECT * FROM (
        SELECT stored_row, first_in_humans, first_in_all,
          ${first("for_humans")} AS fh, ${first("for_all")} AS fa
        FROM ${source}
        WINDOW w AS (PARTITION BY project_id, user_key ORDER BY start_at, session_id
          ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW))
      WHERE fh IS DISTINCT FROM first_in_humans OR fa IS DISTINCT FROM first_in_all) f
    WHERE r.rowid = f.stored_row`;
}

/**
 * Creates the rollup; a database from before it existed (or from a layout older than the
 * previous one) gets it built from all stored events, once, at open. The previous layout gains
 * the newest column.
 */
export async function ensureSessionsRollup(connection: DuckDBConnection): Promise<void> {
  const has = async (column: string) => {
    const found = await connection.runAndReadAll(
      "SELECT count(*) FROM information_schema.columns WHERE table_name = $1 AND column_name = $2",
      [SESSIONS_TABLE, column],
    );
    return Number(found.getRows()[0]?.[0] ?? 0) > 0;
  };
  if (await has(NEWEST_COLUMN)) return;
  const previous = await has(PREVIOUS_COLUMN);
  await connection.run("BEGIN TRANSACTION");
  try {
    if (previous) {
      // 0.7 s at 1.5M sessions, where a rebuild from ten million events took 47 s.
      await connection.run(
        script([
          `ALTER TABLE ${SESSIONS_TABLE} ADD COLUMN ${NEWEST_COLUMN} UBIGINT`,
          `UPDATE ${SESSIONS_TABLE} AS r SET ${NEWEST_COLUMN} = ${sessionHash("r")}`,
        ]),
      );
    } else {
      await connection.run(`DROP TABLE IF EXISTS ${SESSIONS_TABLE}`);
      await connection.run(`DROP TABLE IF EXISTS ${USERS_TABLE}`);
      await connection.run(SESSIONS_DDL);
      await connection.run(USERS_DDL);
      await connection.run(
        script([
          ...mergeSessionsOf("events"),
          markFirstSessions(`(SELECT rowid AS stored_row, * FROM ${SESSIONS_TABLE})`),
          ...dropScratch(),
        ]),
      );
    }
    await connection.run("COMMIT");
  } catch (error) {
    await connection.run("ROLLBACK").catch(() => {});
    throw error;
  }
}

function dropScratch(): string[] {
  return [
    "session_delta",
    "session_found",
    "session_stored",
    "session_merged",
    "session_keys",
    "session_numbered",
    "touched_users",
  ].map((table) => `DROP TABLE IF EXISTS ${table}`);
}

/**
 * The statements that add the events in table `batch` (just inserted into `events`) to the
 * rollup, inside the caller's transaction, and recompute the first-session flags of the users
 * whose sessions it touched (before and after: a session's user key can change when an
 * earlier event arrives).
 */
export function refreshSessions(batch: string): string[] {
  return [
    ...mergeSessionsOf(batch),
    // The users of those sessions' rows before the merge (session_stored) and after it
    // (session_numbered), by number: the scratch tables hold them, so the rollup is not scanned
    // for them. (A session without a user key was flagged when inserted.)
    `CREATE OR REPLACE TEMP TABLE touched_users AS
     SELECT DISTINCT project_id, user_num FROM (
       SELECT project_id, user_num FROM session_stored
       UNION ALL SELECT project_id, user_num FROM session_numbered)
     WHERE user_num IS NOT NULL`,
    markFirstSessions(`(
      SELECT s.rowid AS stored_row, s.* FROM ${SESSIONS_TABLE} s
      SEMI JOIN touched_users u ON s.project_id = u.project_id AND s.user_num = u.user_num)`),
    ...dropScratch(),
  ];
}

export async function deleteProjectSessions(
  connection: DuckDBConnection,
  projectId: string,
): Promise<void> {
  await connection.run(`DELETE FROM ${SESSIONS_TABLE} WHERE project_id = $1`, [projectId]);
  await connection.run(`DELETE FROM ${USERS_TABLE} WHERE project_id = $1`, [projectId]);
}
