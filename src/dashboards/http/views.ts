/** The JSON shapes the dashboards API answers with, made from a catalog. */
import { type Diagnostic, formatDiagnostic } from "../diagnostic.js";
import type { Catalog, LoadedDashboard, LoadedFunnel, LoadedVisualization } from "../model.js";

/** A diagnostic with its one-line form, so clients can show either. */
export const diagnosticView = (d: Diagnostic) => ({ ...d, text: formatDiagnostic(d) });

export function dashboardSummary(d: LoadedDashboard) {
  return {
    id: d.id,
    title: d.definition?.title ?? d.id,
    description: d.definition?.description ?? null,
    builtIn: d.builtIn,
    readOnly: d.builtIn,
    file: d.file,
    errors: d.errors.map(diagnosticView),
  };
}

export function dashboardDetail(d: LoadedDashboard, catalog: Catalog) {
  const def = d.definition;
  return {
    ...dashboardSummary(d),
    // Built-ins ship with the service; only a project's own dashboards come from a commit.
    commit: d.builtIn ? null : catalog.revision,
    version: def?.version ?? null,
    status: def?.status ?? null,
    filters: def?.filters ?? null,
    panels: d.panels.map((panel) => ({
      title: panel.title,
      gridAttributes: panel.gridAttributes,
      options: panel.options,
      visualization: panel.visualization && {
        name: panel.visualization.name,
        source: panel.visualization.source,
        file: panel.visualization.file,
        ...panel.visualization.definition,
      },
      query: panel.query,
    })),
  };
}

export function visualizationView(v: LoadedVisualization) {
  return {
    id: v.id,
    builtIn: v.builtIn,
    file: v.file,
    type: v.definition?.type ?? null,
    definition: v.definition,
    errors: v.errors.map(diagnosticView),
  };
}

export function funnelView(f: LoadedFunnel) {
  return { id: f.id, file: f.file, definition: f.definition, errors: f.errors.map(diagnosticView) };
}
