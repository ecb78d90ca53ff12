/**
 * Errors of the query path. A `QueryError` is the caller's fault and becomes HTTP 400 with its
 * message; anything else is ours and becomes a 500 without detail.
 */

export class QueryError extends Error {
  readonly status = 400;
  constructor(message: string) {
    super(message);
    this.name = "QueryError";
  }
}

/** A broken model file: names the file, the line and the reason, and stops the start. */
export class ModelError extends Error {
  constructor(
    readonly file: string,
    readonly line: number,
    readonly reason: string,
  ) {
    super(`${file}:${line}: ${reason}`);
    this.name = "ModelError";
  }
}
