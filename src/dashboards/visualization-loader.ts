/** Loads one visualization file: YAML, schema, then the members its query and links name. */
import { checkLinkMembers, checkMembers, type HasMember } from "./check-members.js";
import type { LoadedVisualization, VisualizationDef } from "./model.js";
import { checkSchema } from "./schema-check.js";
import { parseYamlFile, type YamlFile } from "./yaml-file.js";

export interface LoadOptions {
  hasMember: HasMember | null;
  maxAliasCount: number;
}

/** Checks a visualization object written at `path` in `yaml` (a file, or inline in a panel). */
export function checkVisualizationBody(
  definition: VisualizationDef,
  path: ReadonlyArray<string | number>,
  yaml: YamlFile,
  hasMember: HasMember | null,
) {
  return [
    ...checkMembers(definition.data.query, [...path, "data", "query"], yaml, hasMember),
    ...checkLinkMembers(definition.options, [...path, "options"], yaml, hasMember),
  ];
}

export function loadVisualization(
  file: { id: string; path: string; text: string; root: string; builtIn: boolean },
  options: LoadOptions,
): LoadedVisualization {
  const base = { id: file.id, file: file.path, builtIn: file.builtIn, root: file.root };
  const parsed = parseYamlFile(file.path, file.text, options.maxAliasCount);
  if (!parsed.ok) return { ...base, definition: null, errors: parsed.diagnostics };
  const schemaErrors = checkSchema("visualization", parsed.yaml);
  if (schemaErrors.length > 0) return { ...base, definition: null, errors: schemaErrors };
  const definition = parsed.yaml.value as VisualizationDef;
  const errors = checkVisualizationBody(definition, [], parsed.yaml, options.hasMember);
  // Kept despite unknown members so a panel can still show what it meant to ask.
  return { ...base, definition, errors };
}
