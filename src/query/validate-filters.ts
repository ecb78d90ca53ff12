/**
 * Part of stage 1: checks filters (member, operator for the member's type, values) and types
 * their values: numbers, booleans, or UTC timestamps for time dimensions.
 */
import { parseDate, parseDateRange } from "./date-range.js";
import { QueryError } from "./errors.js";
import type { Dimension, Measure } from "./model/member.js";
import type { Condition, FilterValue } from "./normal-query.js";
import {
  COMPARISON,
  DATE_RANGE_OPERATORS,
  EQUALITY,
  type FilterInput,
  type LeafFilterInput,
  OPERATORS,
  type Operator,
  PRESENCE,
  TEXT_MATCH,
} from "./query-schema.js";
import type { MemberResolver } from "./resolve-members.js";
import { formatUtcForDb, fromWall } from "./time-zone.js";

const MAX_VALUES = 1_000;
const MAX_VALUE_LENGTH = 10_000;

/** The operators a member of each type takes (Cube's rules). */
export const OPERATORS_BY_TYPE: Record<string, readonly Operator[]> = {
  string: [...EQUALITY, ...TEXT_MATCH, ...PRESENCE],
  number: [...EQUALITY, ...COMPARISON, ...PRESENCE],
  boolean: [...EQUALITY, ...PRESENCE],
  time: [...EQUALITY, ...DATE_RANGE_OPERATORS, ...PRESENCE],
  measure: [...EQUALITY, ...COMPARISON, ...PRESENCE, "measureFilter"],
};

/** A wall time in `zone` as the database's UTC timestamp text. */
export function toDb(wall: number, zone: string): string {
  return formatUtcForDb(fromWall(wall, zone));
}

export function normaliseFilter(
  input: FilterInput,
  resolver: MemberResolver,
  zone: string,
  now: number,
  count: () => void,
): Condition {
  count();
  if ("or" in input)
    return {
      kind: "or",
      items: input.or.map((f) => normaliseFilter(f, resolver, zone, now, count)),
    };
  if ("and" in input)
    return {
      kind: "and",
      items: input.and.map((f) => normaliseFilter(f, resolver, zone, now, count)),
    };
  return normaliseLeaf(input, resolver, zone, now);
}

function normaliseLeaf(
  input: LeafFilterInput,
  resolver: MemberResolver,
  zone: string,
  now: number,
): Condition {
  const name = input.member ?? input.dimension ?? "";
  const member = resolver.filterable(name);
  const operator = input.operator as Operator;
  if (!(OPERATORS as readonly string[]).includes(input.operator)) {
    throw new QueryError(
      `Unknown filter operator ${JSON.stringify(input.operator.slice(0, 40))} for ${name}. Valid operators: ${OPERATORS.join(", ")}`,
    );
  }
  const type = member.kind === "measure" ? "measure" : member.type;
  const allowed = OPERATORS_BY_TYPE[type] ?? [];
  if (!allowed.includes(operator)) {
    throw new QueryError(
      `Operator ${operator} can't be used with ${name} (a ${type === "measure" ? "measure" : `${type} dimension`}). Use one of: ${allowed.join(", ")}`,
    );
  }
  const raw = input.values ?? [];
  if (raw.length > MAX_VALUES)
    throw new QueryError(`A filter may have at most ${MAX_VALUES} values`);
  if (raw.some((v) => v.length > MAX_VALUE_LENGTH)) {
    throw new QueryError(`Filter values may be at most ${MAX_VALUE_LENGTH} characters long`);
  }
  if (operator === "set" || operator === "notSet" || operator === "measureFilter") {
    return { kind: "leaf", member, operator, values: [] };
  }
  if (raw.length === 0) throw new QueryError(`Values required for filter ${operator} on ${name}`);
  return { kind: "leaf", member, operator, values: typedValues(member, operator, raw, zone, now) };
}

function typedValues(
  member: Dimension | Measure,
  operator: Operator,
  raw: readonly string[],
  zone: string,
  now: number,
): FilterValue[] {
  const name = member.fullName;
  const single = [
    "gt",
    "gte",
    "lt",
    "lte",
    "beforeDate",
    "beforeOrOnDate",
    "afterDate",
    "afterOrOnDate",
  ].includes(operator);
  const values = single ? raw.slice(0, 1) : raw;
  if (member.kind === "measure" || member.type === "number") {
    return values.map((v) => {
      const n = v.trim() === "" ? Number.NaN : Number(v);
      if (!Number.isFinite(n))
        throw new QueryError(`${name} takes numbers, not ${JSON.stringify(v.slice(0, 40))}`);
      return n;
    });
  }
  if (member.type === "boolean") {
    return values.map((v) => {
      const t = v.trim().toLowerCase();
      if (t === "true" || t === "1") return true;
      if (t === "false" || t === "0") return false;
      throw new QueryError(`${name} takes true or false, not ${JSON.stringify(v.slice(0, 40))}`);
    });
  }
  if (member.type === "time") {
    if (operator === "inDateRange" || operator === "notInDateRange") {
      const range =
        values.length === 1
          ? parseDateRange(values[0] as string, zone, now)
          : parseDateRange([values[0] as string, values[1] as string], zone, now);
      return [toDb(range.from, zone), toDb(range.to, zone)];
    }
    // beforeOrOnDate / afterDate compare with the end of a bare date, as Cube does.
    const end = operator === "beforeOrOnDate" || operator === "afterDate";
    return values.map((v) => toDb(parseDate(v, zone, end), zone));
  }
  if (member.valueAliases.size > 0 && (operator === "equals" || operator === "notEquals")) {
    return [...new Set(values.flatMap((v) => member.valueAliases.get(v) ?? [v]))];
  }
  return [...values];
}
