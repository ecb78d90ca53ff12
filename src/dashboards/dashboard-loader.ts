/**
 * Loads one dashboard file: YAML, the schema its `version` selects, the grid, then each
 * panel's visualization and query. Errors are collected, never thrown, so one broken
 * dashboard is listed with its problems while the others work.
 */
import type { HasMember } from "./check-members.js";
import type { Diagnostic } from "./diagnostic.js";
import { checkGrid } from "./grid-check.js";
import type { DashboardDef, LoadedDashboard, PanelDef, ResolvedPanel } from "./model.js";
import { resolvePanel, type VisualizationLookup } from "./panel-resolver.js";
import { checkSchema } from "./schema-check.js";
import { parseYamlFile, type YamlFile } from "./yaml-file.js";

export interface DashboardLoadOptions {
  hasMember: HasMember | null;
  maxAliasCount: number;
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);

/** A v2 date-range filter's default must be one of the options it offers. */
function checkDateRange(definition: DashboardDef, yaml: YamlFile): Diagnostic[] {
  const range = definition.filters?.dateRange as
    | { options?: string[]; defaultOption?: string }
    | undefined;
  if (
    !range?.options ||
    range.defaultOption === undefined ||
    range.options.includes(range.defaultOption)
  )
    return [];
  return [
    yaml.diagnostic(
      ["filters", "dateRange", "defaultOption"],
      `must be one of the options (${range.options.join(", ")})`,
    ),
  ];
}

export function loadDashboard(
  file: { id: string; path: string; text: string; builtIn: boolean },
  lookup: VisualizationLookup,
  options: DashboardLoadOptions,
): LoadedDashboard {
  const base = { id: file.id, file: file.path, builtIn: file.builtIn };
  const broken = (errors: Diagnostic[]): LoadedDashboard => ({
    ...base,
    definition: null,
    panels: [],
    errors,
  });

  const parsed = parseYamlFile(file.path, file.text, options.maxAliasCount);
  if (!parsed.ok) return broken(parsed.diagnostics);
  const { yaml } = parsed;
  const value = yaml.value;
  if (!isObject(value))
    return broken([yaml.diagnostic([], "must be a mapping with version, title and panels")]);

  // `version` picks the schema; GitLab wrote it as a string, but a bare number is a common slip.
  const version = String(value.version);
  if (!("version" in value)) return broken([yaml.diagnostic([], 'must have property "version"')]);
  if (version !== "1" && version !== "2")
    return broken([yaml.diagnostic(["version"], 'must be "1" or "2"')]);
  const schemaErrors = checkSchema(version === "1" ? "dashboard-v1" : "dashboard-v2", yaml);
  if (schemaErrors.length > 0) return broken(schemaErrors);

  const panelsKey = "widgets" in value ? "widgets" : "panels";
  const { widgets, ...rest } = value as Record<string, unknown> & { widgets?: PanelDef[] };
  const definition = (widgets ? { ...rest, panels: widgets } : rest) as unknown as DashboardDef;

  const errors = [
    ...checkGrid(definition.panels, panelsKey, yaml),
    ...checkDateRange(definition, yaml),
  ];
  const panels: ResolvedPanel[] = definition.panels.map((panel, index) => {
    const resolved = resolvePanel(panel, [panelsKey, index], yaml, lookup, options.hasMember);
    errors.push(...resolved.errors);
    return resolved.panel;
  });
  errors.sort((a, b) => a.line - b.line || a.column - b.column);
  return { ...base, definition, panels, errors };
}
