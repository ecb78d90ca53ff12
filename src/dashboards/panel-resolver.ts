/**
 * Resolves each panel of a dashboard to the visualization it shows (by name: the project's
 * own first, then the built-ins; or inline) and to its final Cube query, with the panel's
 * `queryOverrides` merged in.
 */
import { checkMembers, type HasMember } from "./check-members.js";
import type { Diagnostic } from "./diagnostic.js";
import { isSafeName } from "./layout.js";
import { mergeQuery } from "./merge-query.js";
import type {
  LoadedVisualization,
  PanelDef,
  ResolvedPanel,
  ResolvedVisualization,
} from "./model.js";
import { checkVisualizationBody } from "./visualization-loader.js";
import type { YamlFile } from "./yaml-file.js";

export interface VisualizationLookup {
  find(name: string): LoadedVisualization | undefined;
  /** Where names are looked up, for the "not found" message. */
  searched: string;
}

export function resolvePanel(
  panel: PanelDef,
  path: readonly [string, number],
  yaml: YamlFile,
  lookup: VisualizationLookup,
  hasMember: HasMember | null,
): { panel: ResolvedPanel; errors: Diagnostic[] } {
  const errors: Diagnostic[] = [];
  const vizPath = [...path, "visualization"];
  let visualization: ResolvedVisualization | null = null;

  if (typeof panel.visualization === "string") {
    const name = panel.visualization;
    const found = isSafeName(name) ? lookup.find(name) : undefined;
    if (!isSafeName(name)) {
      errors.push(
        yaml.diagnostic(
          vizPath,
          `"${name}" is not a valid visualization name (letters, digits, _ and - only)`,
        ),
      );
    } else if (!found) {
      errors.push(yaml.diagnostic(vizPath, `no visualization "${name}" in ${lookup.searched}`));
    } else if (!found.definition) {
      errors.push(
        yaml.diagnostic(vizPath, `visualization "${name}" is invalid (see ${found.file})`),
      );
    } else {
      if (found.errors.length > 0) {
        errors.push(
          yaml.diagnostic(vizPath, `visualization "${name}" has errors (see ${found.file})`),
        );
      }
      visualization = {
        name,
        source: found.builtIn ? "builtin" : "project",
        file: found.file,
        definition: found.definition,
      };
    }
  } else {
    errors.push(...checkVisualizationBody(panel.visualization, vizPath, yaml, hasMember));
    visualization = {
      name: null,
      source: "inline",
      file: yaml.file,
      definition: panel.visualization,
    };
  }

  if (panel.queryOverrides) {
    errors.push(
      ...checkMembers(panel.queryOverrides, [...path, "queryOverrides"], yaml, hasMember),
    );
    const patch = panel.queryOverrides.timeDimensions;
    const target = visualization?.definition.data.query.timeDimensions;
    if (visualization && patch && !Array.isArray(patch) && !Array.isArray(target)) {
      errors.push(
        yaml.diagnostic(
          [...path, "queryOverrides", "timeDimensions"],
          "the visualization's query has no time dimensions to apply this to",
        ),
      );
    }
  }

  const query = visualization
    ? mergeQuery(visualization.definition.data.query, panel.queryOverrides)
    : null;
  return {
    panel: {
      title: panel.title ?? null,
      gridAttributes: panel.gridAttributes,
      options: panel.options ?? {},
      visualization,
      query,
    },
    errors,
  };
}
