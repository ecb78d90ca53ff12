/**
 * Puts the dashboard filters into a panel's Cube query, as GitLab does: the date range goes on
 * the query's time dimension (or on its cube's time dimension when it has none), and
 * "exclude anonymous users" keeps events and sessions that carry a user id.
 */
import type { CubeQuery, Meta, TimeDimension } from "../api/types";
import type { FilterState } from "./date-range";

/** The time dimension GitLab filters each of its cubes by. */
const KNOWN_TIME_DIMENSIONS: Record<string, string> = {
  TrackedEvents: "TrackedEvents.derivedTstamp",
  Sessions: "Sessions.startAt",
  ReturningUsers: "ReturningUsers.first_timestamp",
  Jitsu: "Jitsu.utcTime",
};

/** The cube a query is about: that of its first measure, else of its first dimension. */
export function queryCube(query: CubeQuery): string | null {
  const member =
    query.measures?.[0] ?? query.dimensions?.[0] ?? query.timeDimensions?.[0]?.dimension;
  return member ? (member.split(".")[0] ?? null) : null;
}

function timeDimensionOf(cube: string, meta: Meta | null): string | null {
  const known = KNOWN_TIME_DIMENSIONS[cube];
  if (known) return known;
  const found = meta?.cubes.find((c) => c.name === cube)?.dimensions.find((d) => d.type === "time");
  return found?.name ?? null;
}

function userIdOf(cube: string, meta: Meta | null): string | null {
  const name = `${cube}.userId`;
  if (!meta) return cube in KNOWN_TIME_DIMENSIONS && cube !== "ReturningUsers" ? name : null;
  return meta.cubes.find((c) => c.name === cube)?.dimensions.some((d) => d.name === name)
    ? name
    : null;
}

export interface ApplyOptions {
  /** False when the dashboard shows no date range filter: queries keep their own ranges. */
  dateRange: boolean;
}

export function applyFilters(
  query: CubeQuery,
  state: FilterState,
  meta: Meta | null,
  options: ApplyOptions = { dateRange: true },
): CubeQuery {
  // A JSON copy: the query may be a Vue proxy, which structuredClone refuses.
  const out = JSON.parse(JSON.stringify(query)) as CubeQuery;
  const cube = queryCube(query);
  if (options.dateRange && cube) {
    const range = [state.from, state.to];
    const existing = out.timeDimensions ?? [];
    if (existing.length > 0) {
      out.timeDimensions = existing.map(
        (td, i): TimeDimension => (i === 0 ? { ...td, dateRange: range } : td),
      );
    } else {
      const dimension = timeDimensionOf(cube, meta);
      if (dimension) out.timeDimensions = [{ dimension, dateRange: range }];
    }
  }
  if (state.excludeAnonymous && cube) {
    const member = userIdOf(cube, meta);
    if (member) out.filters = [...(out.filters ?? []), { member, operator: "set" }];
  }
  return out;
}
