/**
 * Loads the semantic model: the YAML files shipped beside this module, then any in the
 * operator's model directory (GLIMPSE_MODEL_DIR). A broken file throws a ModelError naming the
 * file, the line and the reason.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { LineCounter, parseDocument } from "yaml";
import { ModelError } from "../errors.js";
import { compileModel, type ParsedModelFile } from "./compile-model.js";
import type { CompiledModel } from "./member.js";
import { MODEL_FILE } from "./model-file.js";

/**
 * The built-in model's folder. `tsc` does not copy YAML into dist/, so a built module reads
 * the files from the source tree it was built from.
 */
export function builtInModelDir(): string {
  const here = fileURLToPath(new URL(".", import.meta.url));
  if (hasYaml(here)) return here;
  const source = here.replace(/([\\/])dist([\\/])/, "$1src$2");
  if (hasYaml(source)) return source;
  throw new Error(`the built-in model files are missing (looked in ${here} and ${source})`);
}

function hasYaml(dir: string): boolean {
  return existsSync(dir) && readdirSync(dir).some((f) => /\.ya?ml$/.test(f));
}

function yamlFiles(dir: string): string[] {
  return readdirSync(dir)
    .filter((f) => /\.ya?ml$/.test(f))
    .sort()
    .map((f) => join(dir, f));
}

/** Parses and checks one model file's text (exported for tests of error messages). */
export function parseModelFile(file: string, text: string): ParsedModelFile {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const first = doc.errors[0];
  if (first) {
    const line = lineCounter.linePos(first.pos[0]).line;
    throw new ModelError(file, line, first.message.split("\n")[0] ?? "invalid YAML");
  }
  const lineOf = (path: readonly (string | number)[]): number => {
    // The deepest node of the path that exists: its line, else the file's first.
    for (let n = path.length; n >= 0; n--) {
      const node = doc.getIn(path.slice(0, n), true) as
        | { range?: [number, number, number] }
        | undefined;
      if (node?.range) return lineCounter.linePos(node.range[0]).line;
    }
    return 1;
  };
  const raw = doc.toJS() ?? {};
  const result = MODEL_FILE.safeParse(raw);
  if (!result.success) {
    const issue = result.error.issues[0];
    const path = (issue?.path ?? []).filter((p): p is string | number => typeof p !== "symbol");
    const where = path.length ? `${path.join(".")}: ` : "";
    throw new ModelError(file, lineOf(path), `${where}${issue?.message ?? "invalid model"}`);
  }
  return { file, data: result.data, lineOf };
}

/** Parses the built-in model files plus those of `extraDir`, if given. */
export function loadModelFiles(extraDir?: string): ParsedModelFile[] {
  const read = (file: string) => parseModelFile(file, readFileSync(file, "utf8"));
  const files: ParsedModelFile[] = yamlFiles(builtInModelDir()).map((file) => ({
    ...read(file),
    builtIn: true,
  }));
  if (extraDir) {
    if (!existsSync(extraDir))
      throw new ModelError(extraDir, 0, "the model directory does not exist");
    files.push(...yamlFiles(extraDir).map(read));
  }
  return files;
}

/** Loads the built-in model plus the cubes of `extraDir`, if given. */
export function loadModel(extraDir?: string): CompiledModel {
  return compileModel(loadModelFiles(extraDir));
}

let builtIn: CompiledModel | undefined;

/** The built-in model, compiled on first use. */
export function builtInModel(): CompiledModel {
  builtIn ??= loadModel();
  return builtIn;
}

/**
 * Whether `name` (`Cube.member`) exists in `model` (by default the built-in one).
 * @example hasMember("TrackedEvents.pageViewsCount") // true
 */
export function hasMember(name: string, model: CompiledModel = builtInModel()): boolean {
  return model.members.has(name);
}
