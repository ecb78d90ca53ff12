/**
 * Checks a parsed YAML file against one of the published JSON Schemas (with ajv) and turns
 * each failure into a one-line diagnostic at the key it concerns.
 */
import { Ajv, type ErrorObject } from "ajv";
import type { Diagnostic, DocPath } from "./diagnostic.js";
import { SCHEMAS, type SchemaName } from "./schemas/index.js";
import type { YamlFile } from "./yaml-file.js";

const ajv = new Ajv({
  allErrors: true,
  allowUnionTypes: true,
  verbose: true,
  strict: true,
  // `required` inside `if`/`then` names properties declared by the enclosing schema.
  strictRequired: false,
});
// `x-error` gives a pattern a readable message; editors ignore unknown `x-` keywords.
ajv.addKeyword({ keyword: "x-error", schemaType: "string" });
for (const schema of Object.values(SCHEMAS)) ajv.addSchema(schema);

/** Turns a JSON pointer into a document path, with list indexes as numbers. */
function pointerToPath(value: unknown, pointer: string): Array<string | number> {
  const path: Array<string | number> = [];
  let current = value;
  for (const raw of pointer.split("/").slice(1)) {
    const segment = raw.replaceAll("~1", "/").replaceAll("~0", "~");
    if (Array.isArray(current)) {
      const index = Number(segment);
      path.push(index);
      current = current[index];
    } else {
      path.push(segment);
      current = (current as Record<string, unknown> | undefined)?.[segment];
    }
  }
  return path;
}

const list = (values: readonly unknown[]) => values.map((v) => JSON.stringify(v)).join(", ");

function describe(error: ErrorObject, path: DocPath): { path: DocPath; message: string } {
  const p = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case "required":
      return { path, message: `must have property "${String(p.missingProperty)}"` };
    case "additionalProperties": {
      const allowed = Object.keys((error.parentSchema?.properties as object | undefined) ?? {});
      return {
        path: [...path, String(p.additionalProperty)],
        message: `unknown property; expected one of ${allowed.join(", ")}`,
      };
    }
    case "false schema":
      return { path, message: "is not allowed here" };
    case "enum":
      return { path, message: `must be one of ${list(p.allowedValues as unknown[])}` };
    case "const":
      return { path, message: `must be ${JSON.stringify(p.allowedValue)}` };
    case "type":
      return { path, message: `must be ${String(p.type).split(",").join(" or ")}` };
    case "maximum":
    case "minimum":
    case "exclusiveMaximum":
    case "exclusiveMinimum": {
      const sign = { maximum: "≤", minimum: "≥", exclusiveMaximum: "<", exclusiveMinimum: ">" }[
        error.keyword
      ];
      return { path, message: `must be ${sign} ${String(p.limit)}` };
    }
    case "pattern": {
      const custom = error.parentSchema?.["x-error"];
      return {
        path,
        message: typeof custom === "string" ? custom : `must match ${String(p.pattern)}`,
      };
    }
    case "propertyNames": {
      const name = String(p.propertyName);
      return { path: [...path, name], message: "must be a member name like Cube.member" };
    }
    default:
      return { path, message: error.message ?? `fails ${error.keyword}` };
  }
}

/** Validates `yaml.value` against the named schema; an empty list means it conforms. */
export function checkSchema(name: SchemaName, yaml: YamlFile): Diagnostic[] {
  const validate = ajv.getSchema(`${name}.json`);
  if (!validate) throw new Error(`schema ${name} is not registered`);
  if (validate(yaml.value)) return [];
  const seen = new Set<string>();
  const out: Diagnostic[] = [];
  for (const error of validate.errors ?? []) {
    // `if` only reports that a `then`/`else` branch failed; that branch's own errors say why.
    // A propertyNames failure is reported once, by its own keyword, not by the nested pattern.
    if (error.keyword === "if") continue;
    if (error.propertyName !== undefined && error.keyword !== "propertyNames") continue;
    const { path, message } = describe(error, pointerToPath(yaml.value, error.instancePath));
    const diagnostic = yaml.diagnostic(path, message);
    const key = `${diagnostic.path}\0${diagnostic.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(diagnostic);
  }
  return out;
}
