/**
 * Parses one YAML file into a plain value while keeping its syntax tree, so any problem found
 * later (schema, grid, members) can be reported at the line and column of the offending key.
 */
import {
  isAlias,
  isMap,
  isScalar,
  isSeq,
  LineCounter,
  type Node,
  parseDocument,
  visit,
} from "yaml";
import { type Diagnostic, type DocPath, formatDocPath } from "./diagnostic.js";

export interface Position {
  line: number;
  column: number;
}

export interface YamlFile {
  file: string;
  value: unknown;
  /** Where `path` is written: the key of a mapping entry, the start of a list item. */
  locate(path: DocPath): Position;
  diagnostic(path: DocPath, message: string): Diagnostic;
}

export type YamlParseResult =
  | { ok: true; yaml: YamlFile }
  | { ok: false; diagnostics: Diagnostic[] };

const keyText = (key: unknown): string => (isScalar(key) ? String(key.value) : String(key));

export function parseYamlFile(file: string, text: string, maxAliasCount: number): YamlParseResult {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const at = (offset: number): Position => {
    const { line, col } = lineCounter.linePos(offset);
    return { line, column: col };
  };
  if (doc.errors.length > 0) {
    return {
      ok: false,
      diagnostics: doc.errors.map((error) => ({
        file,
        ...at(error.pos[0]),
        path: "",
        message: `invalid YAML: ${error.message.split("\n")[0]}`,
      })),
    };
  }

  let value: unknown;
  try {
    // maxAliasCount bounds the expansion of nested aliases ("billion laughs").
    value = doc.toJS({ maxAliasCount });
  } catch (error) {
    let offset = 0;
    visit(doc, {
      Alias(_, node) {
        offset = node.range?.[0] ?? 0;
        return visit.BREAK;
      },
    });
    const reason = error instanceof Error ? error.message : String(error);
    return {
      ok: false,
      diagnostics: [{ file, ...at(offset), path: "", message: `YAML aliases refused: ${reason}` }],
    };
  }

  const locate = (path: DocPath): Position => {
    let node: unknown = doc.contents;
    let offset = (doc.contents as Node | null)?.range?.[0] ?? 0;
    for (const segment of path) {
      if (isAlias(node)) node = node.resolve(doc);
      if (isMap(node)) {
        const pair = node.items.find((p) => keyText(p.key) === String(segment));
        if (!pair) break;
        offset = (pair.key as Node | null)?.range?.[0] ?? offset;
        node = pair.value;
      } else if (isSeq(node) && typeof segment === "number") {
        const item = node.items[segment] as Node | undefined;
        if (!item) break;
        offset = item.range?.[0] ?? offset;
        node = item;
      } else {
        break;
      }
    }
    return at(offset);
  };

  return {
    ok: true,
    yaml: {
      file,
      value,
      locate,
      diagnostic: (path, message) => ({
        file,
        ...locate(path),
        path: formatDocPath(path),
        message,
      }),
    },
  };
}
