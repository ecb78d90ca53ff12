/**
 * Binds values into ClickHouse SQL on the client: every `{pN:Type}` placeholder the ClickHouse
 * dialect writes becomes a literal of that type, escaped here and nowhere else. Client-side
 * because Debian's ClickHouse 18.16 has no server-side query parameters (they came in 19.x);
 * one path for every server version keeps one thing to test. Placeholders inside string
 * literals, quoted identifiers and comments are left alone.
 *
 * The compiled SQL reads the bare table `events` (the only table name the model compiler lets
 * through, see compile-model.ts); given the project's database, binding qualifies it, so a
 * query reads that project's database only.
 *
 * @example bindClickHouse("SELECT {p1:String}", ["it's"], null) // "SELECT 'it\\'s'"
 */
import type { SqlParam } from "../../store/store.js";

export class BindError extends Error {}

const ESCAPES: Record<string, string> = {
  "\\": "\\\\",
  "'": "\\'",
  "\n": "\\n",
  "\r": "\\r",
  "\t": "\\t",
  "\0": "\\0",
};

/** A ClickHouse string literal: backslash escapes for `\`, `'` and every control character. */
export function stringLiteral(text: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is escaped
  const escaped = text.replace(/[\\'\u0000-\u001f\u007f]/g, (c) => {
    const known = ESCAPES[c];
    if (known) return known;
    return `\\x${c.charCodeAt(0).toString(16).padStart(2, "0")}`;
  });
  return `'${escaped}'`;
}

/** A quoted identifier (database names, which are checked to be [a-z0-9_] before). */
export function identifier(name: string): string {
  return `\`${name.replace(/[\\`]/g, (c) => `\\${c}`)}\``;
}

const TIMESTAMP = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}:\d{2})(?:\.\d{1,9})?Z?$/;

/**
 * The literal for `value` as ClickHouse type `type` (the placeholder's type). Timestamps keep
 * whole seconds: the events tables store DateTime, which 18.16 and current releases share.
 */
export function literal(value: SqlParam, type: string): string {
  if (value === null) return "NULL";
  switch (type) {
    case "String":
      return stringLiteral(String(value));
    case "Float64": {
      const text = String(value);
      if (!Number.isFinite(Number(text)) || text.trim() === "")
        throw new BindError(`not a number: ${JSON.stringify(text)}`);
      return `toFloat64(${stringLiteral(text)})`;
    }
    case "UInt64": {
      const n = typeof value === "string" ? Number(value) : value;
      if (typeof n !== "number" || !Number.isSafeInteger(n) || n < 0)
        throw new BindError(`not an unsigned integer: ${JSON.stringify(value)}`);
      return String(n);
    }
    case "Bool":
      if (value === true || value === "true" || value === 1) return "1";
      if (value === false || value === "false" || value === 0) return "0";
      throw new BindError(`not a boolean: ${JSON.stringify(value)}`);
    case "DateTime64(3, 'UTC')": {
      const m = TIMESTAMP.exec(String(value));
      if (!m) throw new BindError(`not a timestamp: ${JSON.stringify(value)}`);
      return `toDateTime(${stringLiteral(`${m[1]} ${m[2]}`)}, 'UTC')`;
    }
    default:
      throw new BindError(`no literal for type ${type}`);
  }
}

const PLACEHOLDER = /^\{p(\d+):([^{}]+)\}/;

/** The end (exclusive) of the quoted token opening at `start`, honouring `\` escapes. */
function quotedEnd(sql: string, start: number): number {
  const quote = sql[start];
  let i = start + 1;
  while (i < sql.length) {
    const c = sql[i];
    if (c === "\\") i += 2;
    else if (c === quote && sql[i + 1] === quote) i += 2;
    else if (c === quote) return i + 1;
    else i++;
  }
  throw new BindError("unterminated quote in SQL");
}

/**
 * Replaces each `{pN:Type}` with the literal of `params[N-1]`, and qualifies `FROM events` with
 * `database` when given. Throws BindError for a placeholder without a value.
 */
export function bindClickHouse(
  sql: string,
  params: readonly SqlParam[],
  database: string | null,
): string {
  let out = "";
  let i = 0;
  while (i < sql.length) {
    const c = sql[i] as string;
    if (c === "'" || c === '"' || c === "`") {
      const end = quotedEnd(sql, i);
      out += sql.slice(i, end);
      i = end;
    } else if (c === "-" && sql[i + 1] === "-") {
      const end = sql.indexOf("\n", i);
      const stop = end === -1 ? sql.length : end;
      out += sql.slice(i, stop);
      i = stop;
    } else if (c === "/" && sql[i + 1] === "*") {
      const end = sql.indexOf("*/", i + 2);
      if (end === -1) throw new BindError("unterminated comment in SQL");
      out += sql.slice(i, end + 2);
      i = end + 2;
    } else if (c === "{") {
      const m = PLACEHOLDER.exec(sql.slice(i, i + 64));
      if (!m) {
        out += c;
        i++;
        continue;
      }
      const index = Number(m[1]);
      if (index < 1 || index > params.length)
        throw new BindError(`no value for placeholder p${index}`);
      out += literal(params[index - 1] as SqlParam, m[2] as string);
      i += m[0].length;
    } else if (/[A-Za-z_]/.test(c)) {
      let end = i + 1;
      while (end < sql.length && /[A-Za-z0-9_]/.test(sql[end] as string)) end++;
      const word = sql.slice(i, end);
      const qualify = database !== null && word === "events" && /\bFROM\s+$/i.test(out.slice(-12));
      out += qualify ? `${identifier(database)}.events` : word;
      i = end;
    } else {
      out += c;
      i++;
    }
  }
  return out;
}
