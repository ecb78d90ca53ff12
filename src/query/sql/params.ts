/** Collects bound parameters while SQL is rendered; each value gets the next placeholder. */
import type { SqlParam } from "../../store/store.js";
import type { Dialect, ParamKind } from "./dialect.js";

export class Params {
  readonly values: SqlParam[] = [];
  constructor(private readonly dialect: Dialect) {}

  /** Binds `value` and returns its placeholder. */
  add(value: string | number | boolean, kind: ParamKind): string {
    // Numbers travel as text and are cast by the placeholder: a driver may bind a whole JS
    // number as a 64-bit integer and fail on one beyond that range (e.g. 1e300).
    this.values.push(kind === "number" ? String(value) : value);
    return this.dialect.placeholder(this.values.length, kind);
  }
}
