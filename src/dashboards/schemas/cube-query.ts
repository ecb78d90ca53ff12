/**
 * JSON Schema of a Cube query as GitLab's visualizations write it (reference §6), and of the
 * `queryOverrides` a panel merges into it.
 */
import { GRANULARITIES, OPERATORS } from "../../query/query-schema.js";

const member = {
  type: "string",
  pattern: "^[A-Za-z_][A-Za-z0-9_]*\\.[A-Za-z_][A-Za-z0-9_]*$",
  "x-error": "must be a member name like Cube.member",
} as const;

const members = { type: "array", items: { $ref: "#/definitions/member" } } as const;

/** `[from, to]` or a relative range such as `last 7 days`. */
const dateRange = {
  type: ["string", "array"],
  items: { type: "string" },
  minItems: 2,
  maxItems: 2,
} as const;

const timeDimensionProperties = {
  dimension: { $ref: "#/definitions/member" },
  granularity: { enum: GRANULARITIES },
  dateRange: { $ref: "#/definitions/dateRange" },
  compareDateRange: { type: "array", items: { $ref: "#/definitions/dateRange" } },
} as const;

// The query API's own lists: a dashboard may use exactly what the query API accepts.
const FILTER_OPERATORS = OPERATORS;

const queryProperties = {
  measures: members,
  dimensions: members,
  segments: members,
  timeDimensions: { type: "array", items: { $ref: "#/definitions/timeDimension" } },
  filters: { type: "array", items: { $ref: "#/definitions/filter" } },
  order: { $ref: "#/definitions/order" },
  limit: { type: "integer", minimum: 1, maximum: 50000 },
  offset: { type: "integer", minimum: 0 },
  total: { type: "boolean" },
  timezone: { type: "string" },
  ungrouped: { type: "boolean" },
} as const;

export const cubeQuerySchema = {
  $schema: "http://json-schema.org/draft-07/schema#",
  $id: "cube-query.json",
  title: "Cube query",
  type: "object",
  additionalProperties: false,
  properties: queryProperties,
  definitions: {
    member,
    dateRange,
    timeDimension: {
      type: "object",
      additionalProperties: false,
      required: ["dimension"],
      properties: timeDimensionProperties,
    },
    filter: {
      type: "object",
      if: { required: ["or"] },
      // biome-ignore lint/suspicious/noThenProperty: JSON Schema's conditional keyword
      then: {
        additionalProperties: false,
        properties: { or: { type: "array", items: { $ref: "#/definitions/filter" } } },
      },
      else: {
        if: { required: ["and"] },
        // biome-ignore lint/suspicious/noThenProperty: JSON Schema's conditional keyword
        then: {
          additionalProperties: false,
          properties: { and: { type: "array", items: { $ref: "#/definitions/filter" } } },
        },
        else: {
          additionalProperties: false,
          required: ["member", "operator"],
          properties: {
            member: { $ref: "#/definitions/member" },
            operator: { enum: FILTER_OPERATORS },
            values: { type: "array", items: { type: "string" } },
          },
          if: { properties: { operator: { enum: ["set", "notSet"] } } },
          // biome-ignore lint/suspicious/noThenProperty: JSON Schema's conditional keyword
          then: {},
          else: { required: ["values"] },
        },
      },
    },
    /** `{ "Cube.member": "asc" }` or `[["Cube.member", "asc"], ...]`. */
    order: {
      type: ["object", "array"],
      if: { type: "array" },
      // biome-ignore lint/suspicious/noThenProperty: JSON Schema's conditional keyword
      then: {
        items: {
          type: "array",
          items: [{ $ref: "#/definitions/member" }, { enum: ["asc", "desc"] }],
          minItems: 2,
          maxItems: 2,
        },
      },
      else: {
        propertyNames: { $ref: "#/definitions/member" },
        additionalProperties: { enum: ["asc", "desc"] },
      },
    },
    /**
     * A panel's `queryOverrides`: any part of a query; `timeDimensions` may also be one object
     * (as in `timeDimensions: { dateRange: [...] }`) that applies to every time dimension.
     */
    overrides: {
      type: "object",
      additionalProperties: false,
      properties: {
        ...queryProperties,
        timeDimensions: {
          type: ["array", "object"],
          if: { type: "array" },
          // biome-ignore lint/suspicious/noThenProperty: JSON Schema's conditional keyword
          then: { items: { $ref: "#/definitions/timeDimension" } },
          else: { additionalProperties: false, properties: timeDimensionProperties },
        },
      },
    },
  },
} as const;
