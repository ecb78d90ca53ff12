/**
 * The data explorer's choice as a visualization file (reference §3), ready to commit to
 * `.gitlab/analytics/dashboards/visualizations/<name>.yaml`.
 */
import { stringify } from "yaml";
import type { CubeQuery, VisualizationOptions } from "../api/types";

export interface ExplorerChoice {
  type: string;
  measure: string;
  dimensions: string[];
  timeDimension: string | null;
  granularity: string;
  limit: number;
}

export function explorerQuery(choice: ExplorerChoice): CubeQuery {
  const query: CubeQuery = { measures: [choice.measure] };
  if (choice.dimensions.length) query.dimensions = [...choice.dimensions];
  if (choice.timeDimension) {
    query.timeDimensions = [
      choice.type === "SingleStat"
        ? { dimension: choice.timeDimension }
        : { dimension: choice.timeDimension, granularity: choice.granularity },
    ];
  }
  if (!choice.timeDimension && choice.type !== "SingleStat")
    query.order = { [choice.measure]: "desc" };
  // A row per period and dimension value: 100 rows would cut a split series short.
  query.limit =
    choice.timeDimension && choice.dimensions.length ? Math.max(choice.limit, 5000) : choice.limit;
  query.timezone = "UTC";
  return query;
}

export function explorerOptions(choice: ExplorerChoice): VisualizationOptions {
  if (choice.type === "SingleStat" || choice.type === "DataTable") return {};
  if (choice.timeDimension)
    return { xAxis: { name: "Time", type: "time" }, yAxis: { name: "Counts", type: "value" } };
  return { yAxis: { name: "Counts", type: "value" } };
}

export function visualizationYaml(choice: ExplorerChoice): string {
  const doc: Record<string, unknown> = {
    version: 1,
    type: choice.type,
    data: { type: "cube_analytics", query: explorerQuery(choice) },
  };
  const options = explorerOptions(choice);
  if (Object.keys(options).length) doc.options = options;
  return stringify(doc, { indent: 2 });
}
