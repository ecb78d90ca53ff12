/** Collects bound parameters while SQL is rendered; each value gets the next placeholder. */
import type { SqlParam } from "../../store/store.js";
import type { Dialect, ParamKind } from "./dialect.js";

export class Params {
  readonly values: SqlParam[] = [];
  constructor(private readonly dialect: Dialect) {}

  /** Binds `value` and returns its placeholder. */
  add(value: string | number | boolean, kind: ParamKind): string {
    this.values.push(value);
    return this.dialect.placeholder(this.values.length, kind);
  }
}
