/**
 * Lists every member a Cube query names, with where it is written, so each can be checked
 * against the data model and reported at its own line.
 */
import type { DocPath } from "./diagnostic.js";

export interface MemberUse {
  name: string;
  /** Relative to the query object. */
  path: DocPath;
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);

function filterMembers(filters: unknown, path: DocPath, out: MemberUse[]): void {
  if (!Array.isArray(filters)) return;
  filters.forEach((filter, i) => {
    if (!isObject(filter)) return;
    for (const group of ["or", "and"] as const) {
      if (group in filter) filterMembers(filter[group], [...path, i, group], out);
    }
    if (typeof filter.member === "string")
      out.push({ name: filter.member, path: [...path, i, "member"] });
  });
}

export function queryMembers(query: Record<string, unknown>): MemberUse[] {
  const out: MemberUse[] = [];
  for (const key of ["measures", "dimensions", "segments"] as const) {
    const list = query[key];
    if (!Array.isArray(list)) continue;
    list.forEach((name, i) => {
      if (typeof name === "string") out.push({ name, path: [key, i] });
    });
  }
  const time = query.timeDimensions;
  // queryOverrides may give one object that applies to every time dimension.
  const timeList = Array.isArray(time) ? time : isObject(time) ? [time] : [];
  timeList.forEach((td, i) => {
    if (isObject(td) && typeof td.dimension === "string") {
      const path = Array.isArray(time)
        ? ["timeDimensions", i, "dimension"]
        : ["timeDimensions", "dimension"];
      out.push({ name: td.dimension, path });
    }
  });
  filterMembers(query.filters, ["filters"], out);
  const order = query.order;
  if (Array.isArray(order)) {
    order.forEach((pair, i) => {
      if (Array.isArray(pair) && typeof pair[0] === "string")
        out.push({ name: pair[0], path: ["order", i, 0] });
    });
  } else if (isObject(order)) {
    for (const name of Object.keys(order)) out.push({ name, path: ["order", name] });
  }
  return out;
}
