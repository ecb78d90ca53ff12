/**
 * Every published schema by name: `GET /schemas/<name>.json` serves these, and the validator
 * compiles the same objects, so editors and the service check the same rules.
 */
import { cubeQuerySchema } from "./cube-query.js";
import { dashboardSchema, dashboardV1Schema, dashboardV2Schema } from "./dashboard.js";
import { funnelSchema } from "./funnel.js";
import { visualizationSchema } from "./visualization.js";

export const SCHEMAS = {
  "cube-query": cubeQuerySchema,
  visualization: visualizationSchema,
  "dashboard-v1": dashboardV1Schema,
  "dashboard-v2": dashboardV2Schema,
  dashboard: dashboardSchema,
  funnel: funnelSchema,
} as const;

export type SchemaName = keyof typeof SCHEMAS;

export function isSchemaName(name: string): name is SchemaName {
  return Object.hasOwn(SCHEMAS, name);
}
