/**
 * The shape of a model file: Cube's YAML data model (`cubes:` with `sql_table` or `sql`,
 * `measures`, `dimensions`, `segments`, `pre_aggregations`), plus three small Glimpse keys
 * documented below. Keys Cube has but Glimpse ignores (refresh keys, joins, ...) are accepted.
 */
import { z } from "zod";

/** Member and cube names: what may appear in `Cube.member` and as a SQL alias. */
const NAME = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, "must be letters, digits and _");

/** SQL text, the same for every dialect or given per dialect. */
export const SQL_TEXT = z.union([
  z.string().min(1),
  z.strictObject({ duckdb: z.string().min(1), clickhouse: z.string().min(1) }),
]);
export type SqlText = z.infer<typeof SQL_TEXT>;

/** Cube keys that change nothing here; accepted so that Cube model files load unchanged. */
const IGNORED = {
  public: z.boolean().optional(),
  shown: z.boolean().optional(),
  meta: z.record(z.string(), z.unknown()).optional(),
  format: z.string().optional(),
};

export const MEASURE_TYPES = [
  "count",
  "countDistinct",
  "countDistinctApprox",
  "sum",
  "avg",
  "min",
  "max",
  "number",
] as const;
export type MeasureType = (typeof MEASURE_TYPES)[number];

export const DIMENSION_TYPES = ["string", "number", "boolean", "time"] as const;
export type DimensionType = (typeof DIMENSION_TYPES)[number];

const MEASURE = z.strictObject({
  name: NAME,
  type: z.enum(MEASURE_TYPES),
  sql: SQL_TEXT.optional(),
  title: z.string().optional(),
  short_title: z.string().optional(),
  description: z.string().optional(),
  filters: z.array(z.strictObject({ sql: SQL_TEXT })).optional(),
  drill_members: z.array(z.string()).optional(),
  ...IGNORED,
});

const DIMENSION = z.strictObject({
  name: NAME,
  type: z.enum(DIMENSION_TYPES),
  sql: SQL_TEXT,
  title: z.string().optional(),
  short_title: z.string().optional(),
  description: z.string().optional(),
  primary_key: z.boolean().optional(),
  /**
   * Glimpse: filter values that mean the same stored value, e.g. Jitsu's `pageview` for
   * `page_view`; a filter on any of them matches all of them.
   */
  value_aliases: z.record(z.string(), z.array(z.string()).min(1)).optional(),
  ...IGNORED,
});

const SEGMENT = z.strictObject({
  name: NAME,
  sql: SQL_TEXT,
  title: z.string().optional(),
  description: z.string().optional(),
  /** Glimpse: a query with this segment also reads events flagged as bots (excluded by default). */
  include_bots: z.boolean().optional(),
  ...IGNORED,
});

/**
 * Cube's rollup pre-aggregation: a table the store keeps up to date as events are loaded, with
 * one row per combination of the listed dimensions (and time bucket), holding the listed
 * measures. Members are named bare (`count`) or as Cube writes them (`CUBE.count`). Only the
 * built-in model's rollups are kept (the store maintains them for every project); those in an
 * operator's model directory are accepted and ignored, as before.
 */
export const PRE_AGGREGATIONS = z.array(
  z.strictObject({
    name: NAME,
    type: z.literal("rollup").default("rollup"),
    measures: z.array(z.string()).min(1),
    dimensions: z.array(z.string()).default([]),
    time_dimension: z.string().optional(),
    granularity: z.enum(["day"], { error: "must be day (the buckets rollups keep)" }).optional(),
    refresh_key: z.unknown().optional(),
  }),
);
export type PreAggregationSource = z.infer<typeof PRE_AGGREGATIONS>[number];

const CUBE = z
  .strictObject({
    name: NAME,
    title: z.string().optional(),
    description: z.string().optional(),
    /** The only table is `events`; it is always read with the project's filter. */
    sql_table: z.literal("events").optional(),
    /** A query over `{events}` (the project's events) producing the cube's rows. */
    sql: SQL_TEXT.optional(),
    /**
     * Glimpse: columns computed by window functions over the rows of `sql`. They are added in
     * an outer query only when a member in the query uses them, since windows are costly and
     * the database does not drop unused ones.
     */
    window_columns: z.record(NAME, SQL_TEXT).optional(),
    measures: z.array(MEASURE).default([]),
    dimensions: z.array(DIMENSION).default([]),
    segments: z.array(SEGMENT).default([]),
    data_source: z.string().optional(),
    refresh_key: z.unknown().optional(),
    pre_aggregations: z.unknown().optional(),
    joins: z.unknown().optional(),
    ...IGNORED,
  })
  .refine((c) => (c.sql_table === undefined) !== (c.sql === undefined), {
    message: "a cube needs exactly one of sql_table and sql",
  });

export const MODEL_FILE = z.strictObject({
  cubes: z.array(CUBE).default([]),
  views: z.unknown().optional(),
});
export type ModelFile = z.infer<typeof MODEL_FILE>;
export type CubeSource = ModelFile["cubes"][number];
