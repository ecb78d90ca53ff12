/**
 * The compiled model: cubes and their members with SQL already expanded for each dialect.
 * Built once at start (see load-model.ts); the compiler's stages only read it.
 */
import type { DimensionType, MeasureType } from "./model-file.js";

export type DialectName = "duckdb" | "clickhouse";
export const DIALECT_NAMES: readonly DialectName[] = ["duckdb", "clickhouse"];
export type PerDialect<T> = Readonly<Record<DialectName, T>>;

interface MemberBase {
  readonly cube: string;
  readonly name: string;
  /** `Cube.member`, as queries and responses spell it. */
  readonly fullName: string;
  readonly title: string;
  readonly shortTitle: string;
  readonly description: string | undefined;
  /** Window columns of the cube this member reads (they are only computed when needed). */
  readonly windowColumns: readonly string[];
}

export interface Dimension extends MemberBase {
  readonly kind: "dimension";
  readonly type: DimensionType;
  readonly sql: PerDialect<string>;
  readonly primaryKey: boolean;
  /** Filter value → every stored value it stands for. */
  readonly valueAliases: ReadonlyMap<string, readonly string[]>;
}

/** A piece of a `number` measure's expression: SQL text or a reference to another measure. */
export type MeasurePart = string | { readonly measure: string };

export interface Measure extends MemberBase {
  readonly kind: "measure";
  readonly type: MeasureType;
  /** The aggregated value (null: `count` of rows). Unused by `number` measures. */
  readonly sql: PerDialect<string> | null;
  /** Conditions a row must meet to be aggregated (Cube's measure `filters`). */
  readonly filters: readonly PerDialect<string>[];
  /** For `number` measures: the expression over other measures of the cube. */
  readonly parts: PerDialect<readonly MeasurePart[]> | null;
}

export interface Segment extends MemberBase {
  readonly kind: "segment";
  readonly sql: PerDialect<string>;
  readonly includeBots: boolean;
}

export type Member = Dimension | Measure | Segment;

/**
 * A rollup pre-aggregation of an events cube (model-file.ts): the store keeps table `table`
 * with one row per project, bot flag, `time` bucket and value of each dimension (and of the
 * `distinct` measure's expression, which makes its count exact), holding each additive measure.
 */
export interface Rollup {
  readonly name: string;
  readonly table: string;
  /** Additive measures (count, sum, min, max): one column each, merged by `sum`/`min`/`max`. */
  readonly measures: readonly Measure[];
  /** A countDistinct measure whose counted value is a key column of the rollup. */
  readonly distinct: Measure | null;
  readonly dimensions: readonly Dimension[];
  readonly time: { readonly dimension: Dimension; readonly granularity: "day" } | null;
}

/** Column names of a rollup's members in its table: the store writes them, queries read them. */
export const rollupColumn = {
  bucket: "bucket",
  dimension: (name: string) => `d_${name}`,
  distinct: (name: string) => `x_${name}`,
  measure: (name: string) => `m_${name}`,
};

export interface Cube {
  readonly name: string;
  readonly title: string;
  readonly description: string | undefined;
  /** `events`: the project's events table; otherwise SQL reading `{events}`. */
  readonly source: "events" | PerDialect<string>;
  readonly windowColumns: ReadonlyMap<string, PerDialect<string>>;
  readonly measures: ReadonlyMap<string, Measure>;
  readonly dimensions: ReadonlyMap<string, Dimension>;
  readonly segments: ReadonlyMap<string, Segment>;
  /** Rollups that answer some of the cube's queries without reading its events. */
  readonly rollups: readonly Rollup[];
  /** The file the cube came from, for messages. */
  readonly file: string;
}

export interface CompiledModel {
  readonly cubes: ReadonlyMap<string, Cube>;
  /** Every member by `Cube.member`. */
  readonly members: ReadonlyMap<string, Member>;
}

/** Whether `name` (`Cube.member`) is a measure, dimension or segment of the model. */
export function modelHasMember(model: CompiledModel, name: string): boolean {
  return model.members.has(name);
}
