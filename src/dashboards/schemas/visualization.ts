/** JSON Schema of a visualization file or inline visualization (reference §3). */

const axis = {
  type: "object",
  additionalProperties: false,
  properties: {
    name: { type: "string" },
    type: { type: "string" },
    min: { type: "number" },
    max: { type: "number" },
  },
} as const;

export const VISUALIZATION_TYPES = [
  "LineChart",
  "ColumnChart",
  "DataTable",
  "SingleStat",
  "AreaChart",
  "BarChart",
] as const;

export const visualizationSchema = {
  $schema: "http://json-schema.org/draft-07/schema#",
  $id: "visualization.json",
  title: "Glimpse / GitLab analytics visualization",
  type: "object",
  additionalProperties: false,
  required: ["version", "type", "data"],
  properties: {
    // "1" in the first schema, the integer 1 later.
    version: { enum: ["1", 1] },
    type: { enum: VISUALIZATION_TYPES },
    slug: { type: "string" },
    errors: { type: ["array", "null"], items: { type: "string" } },
    data: {
      type: "object",
      additionalProperties: false,
      required: ["type", "query"],
      properties: {
        // `Cube` is what the very first schema wrote.
        type: { enum: ["cube_analytics", "Cube"] },
        query: { $ref: "cube-query.json" },
      },
    },
    options: {
      type: "object",
      additionalProperties: false,
      properties: {
        xAxis: axis,
        yAxis: axis,
        links: {
          type: "array",
          items: {
            type: "object",
            additionalProperties: false,
            required: ["text", "href"],
            properties: {
              text: { $ref: "cube-query.json#/definitions/member" },
              href: { $ref: "cube-query.json#/definitions/member" },
            },
          },
        },
        decimalPlaces: { type: "integer", minimum: 0 },
        unit: { type: "string" },
        metaText: { type: "string" },
        metaIcon: { type: "string" },
        titleIcon: { type: "string" },
        tooltip: {
          type: "object",
          additionalProperties: false,
          properties: { description: { type: "string" }, descriptionLink: { type: "string" } },
        },
        chartTooltip: {
          type: "object",
          additionalProperties: false,
          properties: {
            titleFormatter: { enum: ["DATE", "TITLE_CASE", "VALUE_ONLY"] },
            valueUnit: { enum: ["COUNT", "DAYS", "PER_DAY", "PERCENT", "TIME_INTERVAL"] },
          },
        },
      },
    },
  },
} as const;
