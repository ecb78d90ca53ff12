/** Loads one funnel file (reference §9): YAML, schema, and step names that are unique. */
import type { Diagnostic } from "./diagnostic.js";
import type { FunnelDef, LoadedFunnel } from "./model.js";
import { checkSchema } from "./schema-check.js";
import { parseYamlFile } from "./yaml-file.js";

export function loadFunnel(
  file: { id: string; path: string; text: string },
  maxAliasCount: number,
): LoadedFunnel {
  const base = { id: file.id, file: file.path };
  const parsed = parseYamlFile(file.path, file.text, maxAliasCount);
  if (!parsed.ok) return { ...base, definition: null, errors: parsed.diagnostics };
  const schemaErrors = checkSchema("funnel", parsed.yaml);
  if (schemaErrors.length > 0) return { ...base, definition: null, errors: schemaErrors };
  const definition = parsed.yaml.value as FunnelDef;
  const errors: Diagnostic[] = [];
  const seen = new Map<string, number>();
  definition.steps.forEach((step, i) => {
    const first = seen.get(step.name);
    if (first !== undefined) {
      errors.push(
        parsed.yaml.diagnostic(["steps", i, "name"], `repeats the name of steps[${first}]`),
      );
    } else {
      seen.set(step.name, i);
    }
  });
  return { ...base, definition: errors.length === 0 ? definition : null, errors };
}
