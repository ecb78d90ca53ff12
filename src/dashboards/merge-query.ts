/**
 * Merges a panel's `queryOverrides` into its visualization's query. Objects merge key by key,
 * deeply; arrays and scalars are replaced, because merging `measures` index by index (lodash's
 * way) would silently mix two lists. `timeDimensions` given as one object is merged into each
 * of the query's time dimensions, which is how v1 files override the date range.
 */
import type { CubeQuery } from "./model.js";

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);

function deepMerge(base: unknown, override: unknown): unknown {
  if (!isObject(base) || !isObject(override)) return structuredClone(override);
  const out: Record<string, unknown> = { ...structuredClone(base) };
  for (const [key, value] of Object.entries(override)) out[key] = deepMerge(out[key], value);
  return out;
}

export function mergeQuery(query: CubeQuery, overrides: CubeQuery | undefined): CubeQuery {
  const out = structuredClone(query);
  for (const [key, value] of Object.entries(overrides ?? {})) {
    const current = out[key];
    if (key === "timeDimensions" && isObject(value) && Array.isArray(current)) {
      out[key] = current.map((td) => deepMerge(td, value));
    } else {
      out[key] = deepMerge(current, value);
    }
  }
  return out;
}
