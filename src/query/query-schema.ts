/**
 * The Cube query format as it arrives over HTTP, checked with zod: the one definition gives
 * the runtime check and the TypeScript type. Members are still plain names here; validate.ts
 * resolves them against the model.
 */
import { z } from "zod";

export const GRANULARITIES = [
  "second",
  "minute",
  "hour",
  "day",
  "week",
  "month",
  "quarter",
  "year",
] as const;
export type Granularity = (typeof GRANULARITIES)[number];

/** Cube's filter operators, in groups by what they compare (validate-filters.ts uses them). */
export const EQUALITY = ["equals", "notEquals"] as const;
export const TEXT_MATCH = [
  "contains",
  "notContains",
  "startsWith",
  "notStartsWith",
  "endsWith",
  "notEndsWith",
] as const;
export const COMPARISON = ["gt", "gte", "lt", "lte"] as const;
export const PRESENCE = ["set", "notSet"] as const;
export const DATE_RANGE_OPERATORS = [
  "inDateRange",
  "notInDateRange",
  "beforeDate",
  "beforeOrOnDate",
  "afterDate",
  "afterOrOnDate",
] as const;

export const OPERATORS = [
  ...EQUALITY,
  ...TEXT_MATCH,
  ...COMPARISON,
  ...PRESENCE,
  ...DATE_RANGE_OPERATORS,
  "measureFilter",
] as const;
export type Operator = (typeof OPERATORS)[number];

/** Cube's values are strings; numbers and booleans are accepted and read as their text. */
const VALUE = z.union([z.string(), z.number(), z.boolean()]).transform(String);

const DATE_RANGE = z.union([z.string(), z.tuple([z.string(), z.string()])]);
export type DateRangeInput = z.infer<typeof DATE_RANGE>;

const LEAF_FILTER = z
  .strictObject({
    member: z.string().optional(),
    /** Cube's older name for `member`. */
    dimension: z.string().optional(),
    operator: z.string(),
    values: z.array(VALUE).optional(),
  })
  .refine((f) => f.member !== undefined || f.dimension !== undefined, {
    message: "a filter needs a member",
  });

export type LeafFilterInput = z.infer<typeof LEAF_FILTER>;
export type FilterInput = LeafFilterInput | { or: FilterInput[] } | { and: FilterInput[] };

export const FILTER: z.ZodType<FilterInput> = z.lazy(() =>
  z.union([
    LEAF_FILTER,
    z.strictObject({ or: z.array(FILTER) }),
    z.strictObject({ and: z.array(FILTER) }),
  ]),
);

const TIME_DIMENSION = z.strictObject({
  dimension: z.string(),
  granularity: z.string().optional(),
  dateRange: DATE_RANGE.optional(),
  compareDateRange: z.array(DATE_RANGE).min(1).optional(),
});
export type TimeDimensionInput = z.infer<typeof TIME_DIMENSION>;

const ORDER_DIRECTION = z.enum(["asc", "desc"]);
const ORDER = z.union([
  z.record(z.string(), ORDER_DIRECTION),
  z.array(
    z.union([
      z.tuple([z.string(), ORDER_DIRECTION]),
      z.strictObject({ id: z.string(), desc: z.boolean() }),
    ]),
  ),
]);

export const QUERY = z.strictObject({
  measures: z.array(z.string()).default([]),
  dimensions: z.array(z.string()).default([]),
  segments: z.array(z.string()).default([]),
  timeDimensions: z.array(TIME_DIMENSION).default([]),
  filters: z.array(FILTER).default([]),
  order: ORDER.optional(),
  limit: z.number().int().min(0).optional(),
  rowLimit: z.number().int().min(0).optional(),
  offset: z.number().int().min(0).optional(),
  total: z.boolean().optional(),
  timezone: z.string().optional(),
  ungrouped: z.boolean().optional(),
  renewQuery: z.boolean().optional(),
  responseFormat: z.literal("default").optional(),
  queryType: z.string().optional(),
});
export type QueryInput = z.input<typeof QUERY>;
export type ParsedQuery = z.output<typeof QUERY>;

/** The body of /load, /sql and /dry-run: one query or several (a blending query). */
export const LOAD_REQUEST = z.object({
  query: z.union([QUERY, z.array(QUERY).min(1).max(10)]),
  queryType: z.literal("multi").optional(),
});
