/**
 * Cube's envelopes around results: the plain result of a regular query, or for
 * `queryType: "multi"` the `{queryType, results, pivotQuery}` the Cube client reads.
 */
import { QueryError } from "./errors.js";
import type { CubeResult } from "./shape.js";

export type QueryKind = "regularQuery" | "compareDateRangeQuery" | "blendingQuery";

/** The query the client pivots by: for compared ranges, one more dimension, as Cube does. */
export function pivotQuery(
  results: readonly CubeResult[],
  kind: QueryKind,
): Record<string, unknown> {
  const first = results[0]?.query ?? {};
  if (kind === "compareDateRangeQuery") {
    return {
      ...first,
      dimensions: [...((first.dimensions as string[]) ?? []), "compareDateRange"],
      queryType: kind,
    };
  }
  if (kind === "blendingQuery") {
    const measures = [...new Set(results.flatMap((r) => (r.query.measures as string[]) ?? []))];
    return { ...first, measures, queryType: kind };
  }
  return { ...first, queryType: kind };
}

export function loadResponse(
  results: readonly CubeResult[],
  kind: QueryKind,
  multi: boolean,
): unknown {
  if (multi) {
    const marked = results.map((r) => ({ ...r, query: { ...r.query, queryType: kind } }));
    return {
      queryType: kind,
      results: marked,
      pivotQuery: pivotQuery(results, kind),
      slowQuery: false,
    };
  }
  if (kind !== "regularQuery") {
    throw new QueryError(
      `'${kind}' query type is not supported by the client. Please update the client.`,
    );
  }
  return results[0];
}
