/**
 * Reads what a project stored through the Cube-compatible query API, as a dashboard would:
 * a query token minted with the admin credential, then /cubejs-api/v1/load.
 */
import { settle, type TestService } from "../../helpers/service.js";

/** Filters by TrackedEvents dimension: `{ eventType: "page_view" }`. */
export type Where = Record<string, string>;

export interface QueryApi {
  /** Rows of `TrackedEvents.count` by TrackedEvents dimensions, `where` member equals value. */
  counts(dimensions: string[], where?: Where): Promise<Record<string, string>[]>;
  /** `counts` as a map "value of the dimension" → count, for one dimension. */
  countBy(dimension: string, where?: Where): Promise<Record<string, number>>;
  /** Polls `countBy` until `done` says so (or 10 s pass), and returns the last answer. */
  waitFor(
    dimension: string,
    done: (counts: Record<string, number>) => boolean,
    where?: Where,
  ): Promise<Record<string, number>>;
}

/**
 * `includingBots` counts events the collector flagged as bots too, as the segment
 * TrackedEvents.includingBots does (the default, like GitLab's dashboards, leaves them out).
 */
export async function queryApi(
  service: TestService,
  projectId: string,
  { includingBots = false } = {},
): Promise<QueryApi> {
  const minted = await fetch(`${service.url}/api/v1/projects/${projectId}/query-token`, {
    method: "POST",
    headers: service.admin,
    body: JSON.stringify({ expiresIn: 600 }),
  });
  if (minted.status !== 201) throw new Error(`query token: ${minted.status}`);
  const { token } = (await minted.json()) as { token: string };

  const api: QueryApi = {
    async counts(dimensions, where = {}) {
      await settle(service);
      const filters = Object.entries(where).map(([member, value]) => ({
        member: `TrackedEvents.${member}`,
        operator: "equals",
        values: [value],
      }));
      const segments = includingBots ? ["TrackedEvents.includingBots"] : [];
      const query = { measures: ["TrackedEvents.count"], dimensions, filters, segments };
      const response = await fetch(
        `${service.url}/cubejs-api/v1/load?query=${encodeURIComponent(JSON.stringify(query))}`,
        { headers: { authorization: token } },
      );
      const body = (await response.json()) as { data?: Record<string, string>[]; error?: string };
      if (!body.data) throw new Error(`query API: ${response.status} ${body.error}`);
      return body.data;
    },
    async countBy(dimension, where) {
      const key = `TrackedEvents.${dimension}`;
      const rows = await api.counts([key], where);
      return Object.fromEntries(
        rows.map((row) => [String(row[key]), Number(row["TrackedEvents.count"])]),
      );
    },
    async waitFor(dimension, done, where) {
      const deadline = Date.now() + 10_000;
      for (;;) {
        const counts = await api.countBy(dimension, where);
        if (done(counts) || Date.now() > deadline) return counts;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    },
  };
  return api;
}
