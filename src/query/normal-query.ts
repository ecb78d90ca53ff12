/**
 * A validated query, every member resolved against the model and every value typed: what
 * validate.ts produces and the later stages (plan, render, shape) trust without checking.
 */
import type { WallRange } from "./date-range.js";
import type { Cube, Dimension, Measure, Segment } from "./model/member.js";
import type { Granularity, Operator } from "./query-schema.js";

export type FilterValue = string | number | boolean;

export type Condition =
  | { readonly kind: "and" | "or"; readonly items: readonly Condition[] }
  | {
      readonly kind: "leaf";
      readonly member: Dimension | Measure;
      readonly operator: Operator;
      /**
       * Typed by the member: numbers for number dimensions and measures, booleans for boolean
       * dimensions, UTC timestamps (`2024-01-01 00:00:00.000`) for time dimensions.
       */
      readonly values: readonly FilterValue[];
    };

export interface TimeDimension {
  readonly dimension: Dimension;
  readonly granularity: Granularity | null;
  readonly range: WallRange | null;
  /** The response key: `Cube.member.granularity`, or `Cube.member` without granularity. */
  readonly key: string;
}

export type OrderTarget =
  | { readonly kind: "measure"; readonly measure: Measure }
  | { readonly kind: "dimension"; readonly dimension: Dimension }
  | { readonly kind: "time"; readonly time: TimeDimension };

export interface OrderItem {
  readonly key: string;
  readonly desc: boolean;
  readonly target: OrderTarget;
}

export interface NormalQuery {
  readonly cube: Cube;
  readonly measures: readonly Measure[];
  readonly dimensions: readonly Dimension[];
  readonly timeDimensions: readonly TimeDimension[];
  readonly segments: readonly Segment[];
  /** Row conditions, all of which must hold. */
  readonly where: readonly Condition[];
  /** Conditions on measures (after grouping), all of which must hold. */
  readonly having: readonly Condition[];
  readonly order: readonly OrderItem[];
  readonly limit: number;
  readonly offset: number;
  readonly total: boolean;
  readonly timezone: string;
  readonly ungrouped: boolean;
  readonly includeBots: boolean;
  /** For one range of a compareDateRange query: the range's label. */
  readonly compareLabel: string | null;
  /** The query as Cube echoes it in the response (`query`). */
  readonly echo: Readonly<Record<string, unknown>>;
}
