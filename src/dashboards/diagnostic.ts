/**
 * A diagnostic: one problem in one file, located by line, column and the path inside the
 * document, printed on one line as `file:line:col path: message`.
 */

export type DocPath = ReadonlyArray<string | number>;

export interface Diagnostic {
  /** Path of the file relative to the repository root (or the built-ins folder). */
  file: string;
  /** 1-based. */
  line: number;
  /** 1-based. */
  column: number;
  /** Path inside the document, e.g. `panels[2].gridAttributes.width`; empty for the whole file. */
  path: string;
  message: string;
}

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/** `["panels", 2, "gridAttributes"]` → `panels[2].gridAttributes`; odd keys are quoted. */
export function formatDocPath(path: DocPath): string {
  let out = "";
  for (const segment of path) {
    if (typeof segment === "number") out += `[${segment}]`;
    else if (IDENTIFIER.test(segment)) out += out === "" ? segment : `.${segment}`;
    else out += `[${JSON.stringify(segment)}]`;
  }
  return out;
}

export function formatDiagnostic(d: Diagnostic): string {
  const where = `${d.file}:${d.line}:${d.column}`;
  return d.path === "" ? `${where} ${d.message}` : `${where} ${d.path}: ${d.message}`;
}

/** A problem with the file as a whole (too big, unreadable, unsafe name). */
export function fileDiagnostic(file: string, message: string): Diagnostic {
  return { file, line: 1, column: 1, path: "", message };
}
