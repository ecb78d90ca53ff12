/**
 * JSON Schemas of dashboard files (reference §2): version 1 (`product_analytics_dashboard`),
 * version 2 (`analytics_dashboard`), and `dashboard.json`, which picks one by `version` for
 * editors that map one schema to a file pattern.
 */

const int = { type: "integer" } as const;

const sizeLimits = { minWidth: int, minHeight: int, maxWidth: int, maxHeight: int } as const;

const gridV1 = {
  type: "object",
  additionalProperties: false,
  required: ["xPos", "yPos", "width", "height"],
  properties: { xPos: int, yPos: int, width: int, height: int, ...sizeLimits },
} as const;

const panelV1 = {
  type: "object",
  additionalProperties: false,
  required: ["title", "gridAttributes", "visualization"],
  properties: {
    title: { type: "string" },
    gridAttributes: gridV1,
    visualization: { type: "string" },
    queryOverrides: { $ref: "cube-query.json#/definitions/overrides" },
  },
} as const;

export const dashboardV1Schema = {
  $schema: "http://json-schema.org/draft-07/schema#",
  $id: "dashboard-v1.json",
  title: "Product analytics dashboard, version 1",
  type: "object",
  additionalProperties: false,
  required: ["version", "title", "description"],
  properties: {
    version: { const: "1" },
    title: { type: "string" },
    description: { type: "string" },
    panels: { type: "array", items: panelV1 },
    // The very first variant called the panels `widgets`.
    widgets: { type: "array", items: panelV1 },
  },
  if: { required: ["widgets"] },
  // biome-ignore lint/suspicious/noThenProperty: JSON Schema's conditional keyword
  then: { properties: { panels: false } },
  else: { required: ["panels"] },
} as const;

export const DATE_RANGE_OPTIONS = ["today", "custom", "7d", "30d", "60d", "90d", "180d"] as const;

const panelV2 = {
  type: "object",
  additionalProperties: false,
  required: ["title", "gridAttributes", "visualization"],
  properties: {
    title: { type: "string" },
    gridAttributes: {
      type: "object",
      additionalProperties: false,
      required: ["width", "height"],
      properties: { xPos: int, yPos: int, width: int, height: int, ...sizeLimits },
    },
    visualization: {
      type: ["string", "object"],
      if: { type: "object" },
      // biome-ignore lint/suspicious/noThenProperty: JSON Schema's conditional keyword
      then: { $ref: "visualization.json" },
    },
    queryOverrides: { $ref: "cube-query.json#/definitions/overrides" },
    options: {
      type: "object",
      additionalProperties: false,
      properties: { decimalPlaces: { type: "integer", minimum: 0 } },
    },
  },
} as const;

export const dashboardV2Schema = {
  $schema: "http://json-schema.org/draft-07/schema#",
  $id: "dashboard-v2.json",
  title: "Analytics dashboard, version 2",
  type: "object",
  additionalProperties: false,
  required: ["version", "title", "panels"],
  properties: {
    version: { const: "2" },
    title: { type: "string" },
    description: { type: "string" },
    status: { enum: ["beta", null] },
    errors: { type: ["array", "null"], items: { type: "string" } },
    filters: {
      type: "object",
      additionalProperties: false,
      properties: {
        excludeAnonymousUsers: {
          type: "object",
          additionalProperties: false,
          properties: { enabled: { type: "boolean" } },
        },
        dateRange: {
          type: "object",
          additionalProperties: false,
          properties: {
            enabled: { type: "boolean" },
            numberOfDaysLimit: { type: "number" },
            options: { type: "array", items: { enum: DATE_RANGE_OPTIONS } },
            defaultOption: { enum: DATE_RANGE_OPTIONS },
          },
        },
      },
    },
    panels: { type: "array", items: panelV2 },
  },
} as const;

export const dashboardSchema = {
  $schema: "http://json-schema.org/draft-07/schema#",
  $id: "dashboard.json",
  title: "Analytics dashboard (version 1 or 2)",
  if: { properties: { version: { const: "1" } } },
  // biome-ignore lint/suspicious/noThenProperty: JSON Schema's conditional keyword
  then: { $ref: "dashboard-v1.json" },
  else: { $ref: "dashboard-v2.json" },
} as const;
